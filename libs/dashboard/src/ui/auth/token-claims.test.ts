import { describe, expect, it } from 'vitest';
import { permissionsOf } from './token-claims.js';

/** An unsigned JWT with `payload` (the page never verifies; the API does). */
const tokenWith = (payload: unknown) => `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.signature`;

describe('permissionsOf', () => {
  it('reads permissions from the permissions array and the space-separated scope, as the API does', () => {
    expect([...permissionsOf(tokenWith({ permissions: ['tasks:read'], scope: 'tasks:retry steps:resolve' }))]).toEqual([
      'tasks:read',
      'tasks:retry',
      'steps:resolve',
    ]);
  });

  it('grants nothing for no token, a token that is not a JWT, or a payload that is not JSON', () => {
    expect(permissionsOf(null).size).toBe(0);
    expect(permissionsOf('not-a-jwt').size).toBe(0);
    expect(permissionsOf('e30.!!!.x').size).toBe(0);
  });
});
