import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisWithAppendOnly } from '@tasker/chaos/servers';
import { API_ERROR_STATUS } from '@tasker/http';
import { afterEach, describe, expect, it } from 'vitest';
import { checkoutBody, postCheckout, startTestApp, type TestApp } from './test-fixtures/test-app.js';

let test: TestApp | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await test?.close();
  test = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function get(path: string) {
  const response = await fetch(`${test!.url}${path}`);
  return { statusCode: response.status, body: (await response.json()) as { error: Record<string, unknown> } };
}

describe('storefront errors', () => {
  it('refuses a task id that is not a UUID with 400, and answers 404 for an unknown one', async () => {
    test = await startTestApp();
    for (const path of ['/orders/not-a-uuid/status', '/orders/not-a-uuid/events', '/orders/%00/status']) {
      const answer = await get(path);
      expect([answer.statusCode, answer.body.error.code]).toEqual([400, 'INVALID_REQUEST']);
    }
    const unknown = await get('/orders/00000000-0000-4000-8000-000000000000/status');
    expect([unknown.statusCode, unknown.body.error.code]).toEqual([404, 'TASK_NOT_FOUND']);
  });

  it('refuses text no store can keep with 400 naming the field, and starts no checkout', async () => {
    test = await startTestApp();
    const nul = await postCheckout(
      test.url,
      checkoutBody('tok_success', { customer_info: { email: 'a@b.example', name: 'Sa\u0000rah' } }),
    );
    expect(nul.statusCode).toBe(400);
    expect(nul.body.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('NUL') });
    expect((await test.app.engine.listTasks({})).tasks).toEqual([]);
  });

  it('answers hostile requests with a 4xx and a code, never a 5xx', async () => {
    test = await startTestApp();
    const valid = JSON.stringify(checkoutBody('tok_success'));
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const requests: Array<[string, string, string | undefined, string | undefined]> = [
      ['POST', '/checkout', valid.replace('"customer_info":{', `"customer_info":{"deep":${deep},`), 'application/json'],
      ['POST', '/checkout', valid.replace('"name":"Sarah"', '"name":"Sa\\u0000rah"'), 'application/json'],
      ['POST', '/checkout', valid.replace('"name":"Sarah"', '"name":"\\ud800"'), 'application/json'],
      ['POST', '/checkout', valid.slice(0, -5), 'application/json'],
      ['POST', '/checkout', 'cart=1', 'application/x-www-form-urlencoded'],
      ['POST', '/checkout', `{"x":"${'x'.repeat(10 * 1_048_576)}"}`, 'application/json'],
      ['GET', '/orders/%ED%A0%80/status', undefined, undefined],
      ['GET', '/orders/%zz/events', undefined, undefined],
    ];
    for (const [method, path, body, type] of requests) {
      const response = await fetch(`${test.url}${path}`, {
        method,
        ...(body === undefined ? {} : { body, headers: { 'content-type': type! } }),
      });
      const answer = (await response.json()) as { error: { code: keyof typeof API_ERROR_STATUS } };
      expect([path, response.status]).toEqual([path, API_ERROR_STATUS[answer.error.code]]);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    }
    expect((await test.app.engine.listTasks({})).tasks).toEqual([]);
  });

  it('limits checkouts per client with 429 RATE_LIMITED once its share of the window is used', async () => {
    test = await startTestApp({ checkoutRateLimit: { max: 2, timeWindowMs: 60_000 } });
    const answers = [];
    for (let request = 0; request < 3; request++)
      answers.push(await postCheckout(test.url, checkoutBody('tok_success')));
    expect(answers.map((answer) => answer.statusCode)).toEqual([202, 202, 429]);
    expect(answers[2]!.body.error).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/try again/) });
    expect((await get('/products')).statusCode).toBe(200);
  });

  it('answers 503 with a request id and no driver text while its task store is down, and logs the details', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'checkout-outage-'));
    const redis = await redisWithAppendOnly(folder);
    let redisRunning = true;
    cleanups.push(async () => {
      if (redisRunning) await redis.stop();
      await rm(folder, { recursive: true, force: true });
    });
    test = await startTestApp({ storage: { redisUrl: redis.url } });
    const accepted = await postCheckout(test.url, checkoutBody('tok_success'));
    expect(accepted.statusCode).toBe(202);
    await redis.stop();
    redisRunning = false;

    const answers = [
      await get(`/orders/${accepted.body.task_id as string}/status`),
      await postCheckout(test.url, checkoutBody('tok_success')),
    ];
    for (const answer of answers) {
      expect(answer.statusCode).toBe(503);
      expect(answer.body.error).toEqual({
        code: 'STORE_UNAVAILABLE',
        message: 'The database cannot be reached; try again shortly',
        request_id: expect.any(String),
      });
      const requestId = (answer.body.error as { request_id: string }).request_id;
      const logged = test.logs.find((line) => line.reqId === requestId && line.err);
      expect(logged?.msg).toBe('Request failed');
    }
  });
});
