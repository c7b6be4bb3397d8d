import { createMemoryStore, type TaskStore } from '@tasker/core';
import Fastify from 'fastify';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { taskerApi } from './index.js';
import { startApi, TEST_SECRET, testToken, type ApiHarness } from './test-fixtures/api-harness.js';
import { checkoutEngine, orderContext } from './test-fixtures/checkout-engine.js';

const createOrder = {
  method: 'POST' as const,
  url: '/tasker/tasks',
  payload: { namespace: 'ecommerce', name: 'process_order', context: orderContext() },
};

describe('authentication and permissions', () => {
  let store: TaskStore;
  let api: ApiHarness;
  beforeEach(async () => {
    store = createMemoryStore();
    api = await startApi(store);
  });
  afterEach(async () => {
    await api.close();
  });

  it('answers 401 without a token, with a malformed, expired or wrongly signed one, and stores nothing', async () => {
    const bearer = async (token: string) =>
      api.call({ ...createOrder, headers: { authorization: `Bearer ${token}` } }, null);
    const answers = [
      await api.call(createOrder, null),
      await api.call({ ...createOrder, headers: { authorization: 'Basic dXNlcjpwdw==' } }, null),
      await bearer('not.a.jwt'),
      await bearer(await testToken({ expiresIn: '-1m' })),
      await bearer(await testToken({ secret: 'another secret that is long enough for HS256' })),
    ];
    expect(answers.map((answer) => answer.statusCode)).toEqual([401, 401, 401, 401, 401]);
    expect(answers.map((answer) => answer.json().error.code)).toEqual(Array(5).fill('UNAUTHENTICATED'));
    expect(answers[3]!.json().error.message).toBe('The token has expired');
    expect(answers[4]!.json().error.message).toBe('The token signature is invalid');
    expect((await store.listTasks()).tasks).toEqual([]);
  });

  it('answers 403 for a token without the permission, naming it', async () => {
    const answer = await api.call(createOrder, { permissions: ['tasks:read'] });
    expect(answer.statusCode).toBe(403);
    expect(answer.json().error).toEqual({ code: 'FORBIDDEN', message: 'The token lacks the permission tasks:create' });
    const analytics = await api.call(
      { method: 'GET', url: '/tasker/analytics/performance' },
      { permissions: ['tasks:read'] },
    );
    expect(analytics.statusCode).toBe(403);
    const scoped = await api.call(createOrder, { permissions: [], sub: 'x' });
    expect(scoped.statusCode).toBe(403);
    expect((await store.listTasks()).tasks).toEqual([]);
  });

  it('refuses a token without exp, or living longer than 24 h, with a code saying why', async () => {
    const secret = new TextEncoder().encode(TEST_SECRET);
    const claims = { permissions: ['tasks:read'], namespaces: ['*'] };
    const now = Math.floor(Date.now() / 1000);
    const sign = (build: (jwt: SignJWT) => SignJWT) =>
      build(new SignJWT(claims).setProtectedHeader({ alg: 'HS256' })).sign(secret);
    const answer = async (token: string) => {
      const response = await api.call(
        { method: 'GET', url: '/tasker/tasks', headers: { authorization: `Bearer ${token}` } },
        null,
      );
      return [response.statusCode, response.statusCode === 200 ? 'OK' : response.json().error.code];
    };
    expect(await answer(await sign((jwt) => jwt.setIssuedAt()))).toEqual([401, 'TOKEN_EXPIRY_REQUIRED']);
    expect(await answer(await sign((jwt) => jwt.setIssuedAt(now).setExpirationTime(now + 86_400 + 60)))).toEqual([
      401,
      'TOKEN_LIFETIME_TOO_LONG',
    ]);
    // Issued long ago, valid for a week: its lifetime counts, not what is left of it.
    expect(
      await answer(await sign((jwt) => jwt.setIssuedAt(now - 6 * 86_400).setExpirationTime(now + 86_400))),
    ).toEqual([401, 'TOKEN_LIFETIME_TOO_LONG']);
    expect(await answer(await sign((jwt) => jwt.setNotBefore(now).setExpirationTime(now + 2 * 86_400)))).toEqual([
      401,
      'TOKEN_LIFETIME_TOO_LONG',
    ]);
    // Without iat or nbf, what is left of it counts.
    expect(await answer(await sign((jwt) => jwt.setExpirationTime(now + 2 * 86_400)))).toEqual([
      401,
      'TOKEN_LIFETIME_TOO_LONG',
    ]);
    expect(await answer(await sign((jwt) => jwt.setExpirationTime(now + 3_600)))).toEqual([200, 'OK']);
    expect(await answer(await sign((jwt) => jwt.setIssuedAt(now).setExpirationTime(now + 86_400)))).toEqual([
      200,
      'OK',
    ]);
  });

  it('reads permissions from a space-separated scope claim too', async () => {
    const token = await new SignJWT({ scope: 'tasks:create tasks:read', namespaces: ['ecommerce'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1m')
      .sign(new TextEncoder().encode('a test secret that is long enough for HS256'));
    const answer = await api.call({ ...createOrder, headers: { authorization: `Bearer ${token}` } }, null);
    expect(answer.statusCode).toBe(201);
  });

  it('keeps a token of one namespace out of every other: its tasks answer 404 like missing ones, lists narrowed', async () => {
    const refund = await api.call({
      method: 'POST',
      url: '/tasker/tasks',
      payload: { namespace: 'payments', name: 'process_refund', context: {} },
    });
    const order = await api.call(createOrder);
    const ecommerceOnly = { namespaces: ['ecommerce'] };

    const refundId = refund.json().task_id as string;
    const missingId = '00000000-0000-4000-8000-000000000000';
    const byId = (id: string) => [
      { method: 'GET' as const, url: `/tasker/tasks/${id}` },
      { method: 'GET' as const, url: `/tasker/tasks/${id}/steps` },
      { method: 'GET' as const, url: `/tasker/tasks/${id}/steps/refund` },
      { method: 'POST' as const, url: `/tasker/tasks/${id}/retry` },
      { method: 'POST' as const, url: `/tasker/tasks/${id}/cancel` },
      { method: 'POST' as const, url: `/tasker/tasks/${id}/steps/refund/resolve`, payload: { results: {} } },
    ];
    const answersFor = async (id: string) =>
      Promise.all(
        byId(id).map(async (request) => {
          const answer = await api.call(request, ecommerceOnly);
          return [answer.statusCode, answer.json().error.code, answer.json().error.message.replace(id, '<id>')];
        }),
      );
    const hidden = await answersFor(refundId);
    expect(hidden).toEqual(await answersFor(missingId));
    expect(hidden.every(([status, code]) => status === 404 && code === 'TASK_NOT_FOUND')).toBe(true);
    expect((await api.call({ method: 'GET', url: `/tasker/tasks/${refundId}` })).json().current_state).not.toBe(
      'cancelled',
    );
    expect(
      (await api.call({ method: 'GET', url: `/tasker/tasks/${order.json().task_id}` }, ecommerceOnly)).statusCode,
    ).toBe(200);

    const listed = await api.call({ method: 'GET', url: '/tasker/tasks' }, ecommerceOnly);
    expect(listed.json().tasks.map((task: { task_id: string }) => task.task_id)).toEqual([order.json().task_id]);
    const otherList = await api.call({ method: 'GET', url: '/tasker/tasks?namespace=payments' }, ecommerceOnly);
    expect(otherList.statusCode).toBe(403);
    const createElsewhere = await api.call(
      { method: 'POST', url: '/tasker/tasks', payload: { namespace: 'payments', name: 'process_refund', context: {} } },
      ecommerceOnly,
    );
    expect(createElsewhere.statusCode).toBe(403);
    const several = await api.call({ method: 'GET', url: '/tasker/tasks' }, { namespaces: ['ecommerce', 'payments'] });
    expect([several.statusCode, several.json().error.fields[0].field]).toEqual([400, 'query.namespace']);
    const none = await api.call({ method: 'GET', url: `/tasker/tasks/${order.json().task_id}` }, { namespaces: [] });
    expect(none.statusCode).toBe(404);
    expect((await store.listTasks()).tasks).toHaveLength(2);
  });

  it('leaves /health/live open and needs a token for readiness', async () => {
    expect((await api.call({ method: 'GET', url: '/tasker/health/live' }, null)).json()).toEqual({ status: 'live' });
    expect((await api.call({ method: 'GET', url: '/tasker/health/ready' }, null)).statusCode).toBe(401);
    expect((await api.call({ method: 'GET', url: '/tasker/health/ready' }, { permissions: [] })).json()).toEqual({
      status: 'ready',
      store: 'reachable',
    });
  });
});

describe('auth configuration', () => {
  const mount = async (auth: unknown) => {
    const app = Fastify();
    await app.register(taskerApi, {
      prefix: '/tasker',
      engine: checkoutEngine(createMemoryStore()),
      auth: auth as never,
    });
    await app.ready();
    return app;
  };

  it('refuses to start without auth, or with an ambiguous or weak one, saying how to turn it off', async () => {
    await expect(mount(undefined)).rejects.toThrow(/`auth` is required; pass \{ disabled: true \}/);
    await expect(mount({ disabled: false })).rejects.toThrow(/exactly one of/);
    await expect(mount({ secret: 'short' })).rejects.toThrow(/at least 32 characters/);
    await expect(mount({ secret: 'x'.repeat(32), jwksUrl: 'https://example.com/jwks' })).rejects.toThrow(/exactly one/);
  });

  it('takes a longer token lifetime when configured, or none with false', async () => {
    const secret = 'a test secret that is long enough for HS256';
    const key = new TextEncoder().encode(secret);
    const weekLong = await new SignJWT({ permissions: ['templates:read'], namespaces: ['*'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('7d')
      .sign(key);
    const forever = await new SignJWT({ permissions: ['templates:read'], namespaces: ['*'] })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(key);
    const status = async (app: Awaited<ReturnType<typeof mount>>, token: string) =>
      (await app.inject({ method: 'GET', url: '/tasker/namespaces', headers: { authorization: `Bearer ${token}` } }))
        .statusCode;
    const week = await mount({ secret, maxTokenLifetimeSeconds: 8 * 86_400 });
    expect([await status(week, weekLong), await status(week, forever)]).toEqual([200, 401]);
    await week.close();
    const unbounded = await mount({ secret, maxTokenLifetimeSeconds: false });
    expect([await status(unbounded, weekLong), await status(unbounded, forever)]).toEqual([200, 200]);
    await unbounded.close();
    await expect(mount({ secret, maxTokenLifetimeSeconds: 0 })).rejects.toThrow(
      'auth.maxTokenLifetimeSeconds must be a positive number',
    );
  });

  it('serves everything without a token when auth is turned off explicitly', async () => {
    const app = await mount({ disabled: true });
    const answer = await app.inject(createOrder);
    expect(answer.statusCode).toBe(201);
    expect((await app.inject({ method: 'GET', url: `/tasker/tasks/${answer.json().task_id}` })).statusCode).toBe(200);
    await app.close();
  });

  it('verifies RS256 tokens with a public key, and ES256 tokens with a JSON Web Key Set', async () => {
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const withKey = await mount({ publicKey: await exportSPKI(rsa.publicKey), algorithm: 'RS256' });
    const sign = (key: Parameters<SignJWT['sign']>[0], alg: string, kid?: string) =>
      new SignJWT({ permissions: ['templates:read'], namespaces: ['*'] })
        .setProtectedHeader({ alg, ...(kid ? { kid } : {}) })
        .setExpirationTime('1m')
        .sign(key);
    const namespaces = { method: 'GET' as const, url: '/tasker/namespaces' };
    const signed = await withKey.inject({
      ...namespaces,
      headers: { authorization: `Bearer ${await sign(rsa.privateKey, 'RS256')}` },
    });
    expect(signed.statusCode).toBe(200);
    const hs = await withKey.inject({ ...namespaces, headers: { authorization: `Bearer ${await testToken()}` } });
    expect(hs.statusCode).toBe(401);
    await withKey.close();

    const ec = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(ec.publicKey)), kid: 'k1', alg: 'ES256' };
    const withJwks = await mount({ jwks: { keys: [jwk] } });
    const ok = await withJwks.inject({
      ...namespaces,
      headers: { authorization: `Bearer ${await sign(ec.privateKey, 'ES256', 'k1')}` },
    });
    expect(ok.statusCode).toBe(200);
    const other = await generateKeyPair('ES256');
    const wrong = await withJwks.inject({
      ...namespaces,
      headers: { authorization: `Bearer ${await sign(other.privateKey, 'ES256', 'k1')}` },
    });
    expect(wrong.statusCode).toBe(401);
    await withJwks.close();
  });

  it('fetches the key set from a JWKS URL', async () => {
    const keys = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'remote', alg: 'ES256' };
    const keyServer = Fastify();
    keyServer.get('/.well-known/jwks.json', async () => ({ keys: [jwk] }));
    const url = await keyServer.listen({ port: 0, host: '127.0.0.1' });
    const app = await mount({ jwksUrl: `${url}/.well-known/jwks.json`, audience: 'tasker' });
    try {
      const token = (audience: string) =>
        new SignJWT({ permissions: ['templates:read'], namespaces: ['*'] })
          .setProtectedHeader({ alg: 'ES256', kid: 'remote' })
          .setAudience(audience)
          .setExpirationTime('1m')
          .sign(keys.privateKey);
      const call = async (audience: string) =>
        app.inject({
          method: 'GET',
          url: '/tasker/namespaces',
          headers: { authorization: `Bearer ${await token(audience)}` },
        });
      expect((await call('tasker')).statusCode).toBe(200);
      const wrongAudience = await call('someone-else');
      expect([wrongAudience.statusCode, wrongAudience.json().error.message]).toEqual([
        401,
        "The token's aud claim is not accepted",
      ]);
    } finally {
      await app.close();
      await keyServer.close();
    }
  });
});
