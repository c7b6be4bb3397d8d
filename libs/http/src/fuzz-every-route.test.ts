import type { TaskStore } from '@tasker/core';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERROR_STATUS } from './index.js';
import { startApi, testToken, type ApiHarness } from './test-fixtures/api-harness.js';
import { orderContext } from './test-fixtures/checkout-engine.js';
import { QUERY_KEYS, deepJson, encodeSegment, nastyJson, nastyString } from './test-fixtures/nasty-input.js';
import { useTestStores } from './test-fixtures/test-stores.js';

const TOTAL_REQUESTS = 10_000;
const TEN_MIB = 10 * 1_048_576;
const DEEP = 10_000;

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/** One generated request. */
interface Call {
  method: Method;
  url: string;
  contentType: string | undefined;
  payload: string | undefined;
}

/** Every route of the API, with `{id}`, `{step}`, `{ns}`, `{name}` where path parameters go. */
const ROUTES: Array<[Method, string]> = [
  ['POST', '/tasks'],
  ['GET', '/tasks'],
  ['GET', '/tasks/{id}'],
  ['POST', '/tasks/{id}/retry'],
  ['POST', '/tasks/{id}/cancel'],
  ['GET', '/tasks/{id}/steps'],
  ['GET', '/tasks/{id}/steps/{step}'],
  ['GET', '/tasks/{id}/steps/{step}/items'],
  ['POST', '/tasks/{id}/steps/{step}/resolve'],
  ['POST', '/tasks/{id}/signals/{name}'],
  ['POST', '/tasks/purge'],
  ['GET', '/namespaces'],
  ['GET', '/namespaces/{ns}/templates'],
  ['GET', '/namespaces/{ns}/templates/{name}'],
  ['GET', '/handlers'],
  ['GET', '/health/live'],
  ['GET', '/health/ready'],
  ['GET', '/health/status'],
  ['GET', '/events'],
  ['GET', '/webhooks/deliveries'],
  ['GET', '/schedules'],
  ['GET', '/schedules/{name}'],
  ['PUT', '/schedules/{name}'],
  ['DELETE', '/schedules/{name}'],
  ['GET', '/analytics/performance'],
  ['GET', '/analytics/bottlenecks'],
  ['GET', '/metrics'],
  ['GET', '/docs/json'],
  ['GET', '/{name}'],
];

const validBody = { namespace: 'ecommerce', name: 'process_order', context: orderContext() };
const validText = JSON.stringify(validBody);
const deepTexts = (['array', 'object'] as const).map((kind) => deepJson(DEEP, kind));

/** Request bodies: valid ones, ones broken in one field, nasty JSON, 10,000-deep nesting, duplicate keys, bad JSON. */
function bodies(taskIds: string[]) {
  const replaced = fc
    .tuple(
      fc.constantFrom(
        'namespace',
        'name',
        'version',
        'context',
        'idempotency_key',
        'tags',
        'reason',
        'results',
        'dry_run',
        'older_than',
        'states',
        'cron',
        'timezone',
        'task',
      ),
      nastyJson,
    )
    .map(([field, value]) => JSON.stringify({ ...validBody, [field]: value }));
  const deep = fc
    .tuple(fc.constantFrom(...deepTexts), fc.constantFrom('top', 'context', 'results'))
    .map(([text, where]) =>
      where === 'top'
        ? text
        : where === 'context'
          ? validText.replace('"context":{', `"context":{"deep":${text},`)
          : `{"results":${text}}`,
    );
  return fc.oneof(
    { arbitrary: fc.constant(validText), weight: 3 },
    { arbitrary: fc.constantFrom(...taskIds).map((id) => JSON.stringify({ reason: `fuzz ${id}` })), weight: 2 },
    { arbitrary: replaced, weight: 6 },
    { arbitrary: nastyJson.map((value) => JSON.stringify({ results: value, reason: 'fuzz' })), weight: 2 },
    {
      arbitrary: fc.dictionary(nastyString, nastyJson).map((context) => JSON.stringify({ ...validBody, context })),
      weight: 3,
    },
    { arbitrary: nastyJson.map((value) => JSON.stringify(value) ?? 'null'), weight: 2 },
    { arbitrary: deep, weight: 1 },
    {
      arbitrary: fc.constantFrom(
        '{"namespace":"ecommerce","namespace":"payments","name":"process_refund","context":{}}',
        '{"results":{"a":1,"a":2},"reason":"x","reason":"y"}',
        validText.replace('"context":{', '"context":{"n":1e400,"m":-1e400,"i":123456789012345678901234567890,'),
        '{"__proto__":{"admin":true},"namespace":"ecommerce"}',
        '{"constructor":{"prototype":{"admin":true}}}',
      ),
      weight: 2,
    },
    { arbitrary: fc.nat({ max: validText.length - 1 }).map((end) => validText.slice(0, end)), weight: 2 },
  );
}

const contentTypes = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 12 },
  {
    arbitrary: fc.constantFrom(
      undefined,
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
      'application/vnd.api+json',
      'application/json\u0000',
    ),
    weight: 3,
  },
);

/** A query string of known and unknown keys with nasty values, encoded as a client would, or raw. */
const queries = fc.oneof(
  fc.constant(''),
  fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), nastyString), nastyString), { maxLength: 4 })
    .map((pairs) => `?${pairs.map(([key, value]) => `${encodeSegment(key)}=${encodeSegment(value)}`).join('&')}`),
  fc.constantFrom('?namespace=%00', '?limit=1e400', '?cursor=%ED%A0%80', '?limit=99999999999999999999', '?a=%zz'),
);

function calls(taskIds: string[]): fc.Arbitrary<Call> {
  const segment = (known: string[]) =>
    fc.oneof(
      { arbitrary: fc.constantFrom(...known), weight: 3 },
      { arbitrary: fc.uuid().map(String), weight: 1 },
      { arbitrary: nastyString.map(encodeSegment), weight: 2 },
    );
  return fc
    .record({
      route: fc.constantFrom(...ROUTES),
      // One request in ten with a method the route does not take.
      otherMethod: fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 9 },
        { arbitrary: fc.constantFrom<Method>('GET', 'POST', 'PUT', 'DELETE', 'PATCH'), weight: 1 },
      ),
      id: segment(taskIds),
      step: segment(['validate_cart', 'process_payment', 'send_confirmation', 'refund']),
      ns: segment(['ecommerce', 'payments']),
      name: segment(['process_order', 'process_refund']),
      query: queries,
      // A body seven times in eight (fast-check's `freq` is how rarely the option is left out).
      body: fc.option(bodies(taskIds), { freq: 8 }),
      contentType: contentTypes,
    })
    .map(({ route: [method, path], otherMethod, id, step, ns, name, query, body, contentType }) => {
      const chosen = otherMethod ?? method;
      const url = `/tasker${path.replace('{id}', id).replace('{step}', step).replace('{ns}', ns).replace('{name}', name)}${query}`;
      const payload = chosen === 'GET' ? undefined : (body ?? undefined);
      return { method: chosen, url, contentType: payload === undefined ? undefined : contentType, payload };
    });
}

function heapAfterGc(): number {
  (globalThis as { gc?: () => void }).gc!();
  return process.memoryUsage().heapUsed;
}

describe.each(useTestStores())(
  '10,000 hostile requests over every route on %s, with a token that may do everything',
  (_name, makeStore) => {
    let store: TaskStore;
    let api: ApiHarness;
    let authorization: string;
    const seeded: string[] = [];
    beforeAll(async () => {
      store = makeStore();
      api = await startApi(store, { rateLimit: false, metrics: async () => 'tasker_tasks_total 1\n' });
      authorization = `Bearer ${await testToken()}`;
      for (const token of ['tok_ok', 'tok_declined']) {
        const created = await api.call({
          method: 'POST',
          url: '/tasker/tasks',
          payload: { ...validBody, context: orderContext({ token }) },
        });
        seeded.push(created.json().task_id as string);
      }
      await Promise.all(seeded.map((id) => api.engine.waitForTask(id)));
    });
    afterAll(async () => {
      await api.close();
      await store.close();
    });

    it('fuzzes every route the API documents (a new route not listed here fails this)', async () => {
      const { paths } = (await api.call({ method: 'GET', url: '/tasker/docs/json' })).json() as {
        paths: Record<string, Record<string, unknown>>;
      };
      const listed = new Set(ROUTES.map(([method, path]) => `${method} ${path.replace(/\{[a-z]+\}/g, '{}')}`));
      const documented = Object.entries(paths).flatMap(([path, methods]) =>
        Object.keys(methods).map(
          (method) => `${method.toUpperCase()} ${path.replace(/^\/tasker/, '').replace(/\{[A-Za-z]+\}/g, '{}')}`,
        ),
      );
      expect(documented.length).toBeGreaterThan(20);
      expect(documented.filter((route) => !listed.has(route))).toEqual([]);
    });

    it('answers none with a 5xx, every refusal with a registered code, stores only what it accepted, and frees memory', async () => {
      const created = new Set<string>();
      const statuses = new Map<number, number>();
      const send = async (call: Call): Promise<LightMyRequestResponse> => {
        const request: InjectOptions = {
          method: call.method,
          url: call.url,
          headers: { authorization, ...(call.contentType === undefined ? {} : { 'content-type': call.contentType }) },
          ...(call.payload === undefined ? {} : { payload: call.payload }),
          // A stream that opens never ends by itself: read its head, then hang up as a client would.
          ...(call.url.startsWith('/tasker/events') ? { payloadAsStream: true } : {}),
        };
        const response = await api.app.inject(request);
        if (request.payloadAsStream) {
          if (response.statusCode === 200) {
            response.raw.res.destroy();
            return response;
          }
          const chunks: Buffer[] = [];
          for await (const chunk of response.stream()) chunks.push(chunk as Buffer);
          return {
            ...response,
            body: Buffer.concat(chunks).toString(),
            json: () => JSON.parse(Buffer.concat(chunks).toString()),
          };
        }
        return response;
      };
      const check = (call: Call, response: LightMyRequestResponse) => {
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        expect(response.statusCode, `${call.method} ${call.url.slice(0, 200)}`).toBeLessThan(500);
        if (response.statusCode >= 400) {
          const code = (response.json() as { error?: { code?: string } }).error?.code as keyof typeof API_ERROR_STATUS;
          expect(
            API_ERROR_STATUS[code],
            `${call.method} ${call.url.slice(0, 200)} ${response.body.slice(0, 200)}`,
          ).toBe(response.statusCode);
        }
        if (call.method === 'POST' && /^\/tasker\/tasks(\?|$)/.test(call.url) && response.statusCode === 201) {
          created.add(response.json().task_id as string);
        }
      };

      const heapBefore = heapAfterGc();
      // 10 MiB bodies on every route that takes one, as JSON and as text: refused at the door, read no further.
      const huge = `{"context":"${'x'.repeat(TEN_MIB)}"}`;
      const bigCalls: Call[] = ROUTES.filter(([method]) => method === 'POST').flatMap(([, path]) =>
        ['application/json', 'text/plain'].map((contentType) => ({
          method: 'POST' as const,
          url: `/tasker${path.replace('{id}', seeded[0]!).replace('{step}', 'refund')}`,
          contentType,
          payload: huge,
        })),
      );
      for (const call of bigCalls) check(call, await send(call));

      await fc.assert(
        fc.asyncProperty(calls(seeded), async (call) => check(call, await send(call))),
        { numRuns: TOTAL_REQUESTS - bigCalls.length, endOnFailure: true },
      );

      // Tasks the fuzz created run to their end, then nothing of the requests should stay reachable.
      await Promise.all([...created].map((id) => api.engine.waitForTask(id, { timeoutMs: 20_000 })));
      const heapGrowthMb = (heapAfterGc() - heapBefore) / 1_048_576;
      expect(heapGrowthMb).toBeLessThan(50);

      const stored = new Set<string>();
      for (let cursor: string | undefined, page = 0; page === 0 || cursor !== undefined; page++) {
        const result = await store.listTasks({ limit: 500, ...(cursor === undefined ? {} : { cursor }) });
        for (const task of result.tasks) stored.add(task.id);
        cursor = result.nextCursor;
      }
      expect([...stored].filter((id) => !seeded.includes(id) && !created.has(id))).toEqual([]);
      expect(stored.size).toBe(seeded.length + created.size);
      // The run reached the routes' logic, not only their schemas.
      expect(created.size).toBeGreaterThan(0);
      expect(statuses.get(200)).toBeGreaterThan(500);
    }, 120_000);
  },
);
