import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { taskerAuthFromEnvironment } from './config/tasker-auth.js';
import { checkoutBody, postCheckout, settledStatus, startTestApp, type TestApp } from './test-fixtures/test-app.js';

const SECRET = 'a-demo-secret-of-at-least-32-characters!';

let test: TestApp | undefined;
afterEach(() => test?.close());

async function tokenWith(permissions: string[], lifetime = '5m') {
  return new SignJWT({ permissions, namespaces: ['*'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(lifetime)
    .sign(new TextEncoder().encode(SECRET));
}

describe("Tasker's REST API at /tasker", () => {
  it('serves the checkout task with the seed’s workflow_steps and the fraud review when auth is off', async () => {
    test = await startTestApp();
    const { body } = await postCheckout(test.url, checkoutBody('tok_success'));
    await settledStatus(test.url, body.task_id as string);
    const task = (await (await fetch(`${test.url}/tasker/tasks/${body.task_id}`)).json()) as Record<string, unknown>;
    expect(task).toMatchObject({ namespace: 'ecommerce', name: 'process_order', current_state: 'completed' });
    expect((task.workflow_steps as Array<{ name: string }>).map((step) => step.name)).toEqual([
      'validate_cart',
      'review_order',
      'process_payment',
      'update_inventory',
      'create_order',
      'choose_shipping',
      'ship_express',
      'ship_standard',
      'send_confirmation',
    ]);
  });

  it('asks for an HS256 bearer token when TASKER_JWT_SECRET is set, and leaves the storefront routes open', async () => {
    test = await startTestApp({ taskerAuth: taskerAuthFromEnvironment({ TASKER_JWT_SECRET: SECRET }) });
    const { body } = await postCheckout(test.url, checkoutBody('tok_success'));
    expect(body.task_id).toEqual(expect.any(String));
    const anonymous = await fetch(`${test.url}/tasker/tasks/${body.task_id}`);
    expect(anonymous.status).toBe(401);
    const reader = await fetch(`${test.url}/tasker/tasks/${body.task_id}`, {
      headers: { authorization: `Bearer ${await tokenWith(['tasks:read'])}` },
    });
    expect(reader.status).toBe(200);
    const longLived = await fetch(`${test.url}/tasker/tasks/${body.task_id}`, {
      headers: { authorization: `Bearer ${await tokenWith(['tasks:read'], '30d')}` },
    });
    expect([longLived.status, ((await longLived.json()) as { error: { code: string } }).error.code]).toEqual([
      401,
      'TOKEN_LIFETIME_TOO_LONG',
    ]);
    await settledStatus(test.url, body.task_id as string);
  });
});

describe('taskerAuthFromEnvironment', () => {
  it('turns auth off by default outside production, and only when said so in production', () => {
    expect(taskerAuthFromEnvironment({})).toEqual({ disabled: true });
    expect(taskerAuthFromEnvironment({ NODE_ENV: 'production', TASKER_AUTH: 'off' })).toEqual({ disabled: true });
    expect(() => taskerAuthFromEnvironment({ NODE_ENV: 'production' })).toThrow(
      'Set TASKER_JWT_SECRET (an HS256 secret) or TASKER_AUTH=off for the REST API at /tasker',
    );
  });

  it('refuses a short secret and an unknown mode, naming the variable', () => {
    expect(() => taskerAuthFromEnvironment({ TASKER_JWT_SECRET: 'short' })).toThrow(
      'TASKER_JWT_SECRET must be at least 32',
    );
    expect(() => taskerAuthFromEnvironment({ TASKER_AUTH: 'maybe' })).toThrow("TASKER_AUTH must be 'off'");
    expect(() =>
      taskerAuthFromEnvironment({ TASKER_JWT_SECRET: SECRET, TASKER_MAX_TOKEN_LIFETIME_SECONDS: 'a day' }),
    ).toThrow("TASKER_MAX_TOKEN_LIFETIME_SECONDS must be a whole number of zero or more, not 'a day'");
    expect(() =>
      taskerAuthFromEnvironment({ TASKER_JWT_SECRET: SECRET, TASKER_MAX_TOKEN_LIFETIME_SECONDS: '0' }),
    ).toThrow('TASKER_MAX_TOKEN_LIFETIME_SECONDS must be at least 1');
  });

  it('takes the longest token lifetime from TASKER_MAX_TOKEN_LIFETIME_SECONDS', () => {
    expect(taskerAuthFromEnvironment({ TASKER_JWT_SECRET: SECRET, TASKER_MAX_TOKEN_LIFETIME_SECONDS: '3600' })).toEqual(
      {
        secret: SECRET,
        maxTokenLifetimeSeconds: 3600,
      },
    );
  });
});
