import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { taskerAuthFromEnvironment } from './config/tasker-auth.js';
import { checkoutBody, postCheckout, settledStatus, startTestApp, type TestApp } from './test-fixtures/test-app.js';

const SECRET = 'a-demo-secret-of-at-least-32-characters!';

let test: TestApp | undefined;
afterEach(() => test?.close());

async function tokenWith(permissions: string[]) {
  return new SignJWT({ permissions, namespaces: ['*'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));
}

describe("Tasker's REST API at /tasker", () => {
  it('serves the checkout task with the seed’s workflow_steps when auth is off', async () => {
    test = await startTestApp();
    const { body } = await postCheckout(test.url, checkoutBody('tok_success'));
    await settledStatus(test.url, body.task_id as string);
    const task = (await (await fetch(`${test.url}/tasker/tasks/${body.task_id}`)).json()) as Record<string, unknown>;
    expect(task).toMatchObject({ namespace: 'ecommerce', name: 'process_order', current_state: 'completed' });
    expect((task.workflow_steps as Array<{ name: string }>).map((step) => step.name)).toEqual([
      'validate_cart',
      'process_payment',
      'update_inventory',
      'create_order',
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
  });
});
