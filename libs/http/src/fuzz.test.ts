import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKnexStore, type KnexStore } from '@tasker/store-knex';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERROR_STATUS } from './index.js';
import { startApi, testToken, type ApiHarness } from './test-fixtures/api-harness.js';
import { orderContext } from './test-fixtures/checkout-engine.js';
import { QUERY_KEYS } from './test-fixtures/nasty-input.js';

const validBody = { namespace: 'ecommerce', name: 'process_order', context: orderContext() };

/** Values of a type no field of a task request takes where they are put. */
const wrongType = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 3 }));

/** A task request broken in one place: a field missing, mistyped, empty, unknown, or a context the schema refuses. */
const brokenBody = fc.oneof(
  fc.constantFrom('namespace', 'name', 'context').map((field) => {
    const { [field as keyof typeof validBody]: _dropped, ...rest } = validBody;
    return rest;
  }),
  fc
    .tuple(fc.constantFrom('namespace', 'name', 'version', 'idempotency_key', 'tags', 'reason'), wrongType)
    // An empty array, or one of short strings, is a valid `tags`.
    .filter(([field, value]) => !(field === 'tags' && Array.isArray(value)))
    .map(([field, value]) => ({ ...validBody, [field]: value })),
  fc.constantFrom('namespace', 'name', 'version').map((field) => ({ ...validBody, [field]: '' })),
  fc
    .tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue())
    .filter(
      ([key]) =>
        !(key in validBody) &&
        ![
          'version',
          'idempotency_key',
          'correlation_id',
          'initiator',
          'source_system',
          'reason',
          'tags',
          '__proto__',
        ].includes(key),
    )
    .map(([key, value]) => ({ ...validBody, [key]: value })),
  fc
    .tuple(
      fc.constantFrom('cart_items', 'payment_info', 'customer_info'),
      fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    )
    .map(([key, value]) => ({ ...validBody, context: { ...validBody.context, [key]: value } })),
  wrongType.map((context) => ({ ...validBody, context })),
);

/** Bodies no schema accepts: random JSON values, and text that is not JSON. */
const randomBody = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 200 }).filter((text) => {
    try {
      const parsed = JSON.parse(text) as unknown;
      return typeof parsed !== 'object' || parsed === null;
    } catch {
      return true;
    }
  }),
);

const printable = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);

/** A query of list endpoints with at least one parameter no schema accepts. */
const brokenQuery = fc
  .tuple(
    fc.dictionary(fc.constantFrom('namespace', 'name', 'version', 'task_name', 'limit', 'state'), printable, {
      maxKeys: 3,
    }),
    fc.oneof(
      fc.tuple(
        fc.constant('limit'),
        fc.oneof(
          fc.constantFrom('0', '501', '1.5', '-3', 'ten'),
          printable.filter((text) => !/^\s*\d+\s*$/.test(text) || Number(text) > 500 || Number(text) < 1),
        ),
      ),
      fc.tuple(
        fc.constant('state'),
        printable.filter((text) =>
          text
            .split(',')
            .some(
              (state) =>
                !['pending', 'in_progress', 'completed', 'failed', 'cancelled', 'resolved_manually'].includes(state),
            ),
        ),
      ),
      fc.tuple(
        fc.constant('created_from'),
        printable.filter((text) => Number.isNaN(Date.parse(text)) || !text.includes('T')),
      ),
      fc.tuple(
        fc.stringMatching(/^[a-z_]{1,12}$/).filter((key) => !QUERY_KEYS.includes(key)),
        printable,
      ),
    ),
    fc.constantFrom('/tasker/tasks', '/tasker/analytics/bottlenecks', '/tasker/analytics/performance'),
  )
  .map(([pairs, [badKey, badValue], path]) => {
    const query = new URLSearchParams({ ...pairs, [badKey]: badValue });
    return `${path}?${query.toString()}`;
  });

/** Authorization headers that carry no valid token. */
const badAuthorization = fc.oneof(
  printable,
  printable.map((text) => `Bearer ${text}`),
  fc
    .tuple(fc.base64String(), fc.base64String(), fc.base64String())
    .map((parts) => `Bearer ${parts.join('.').replaceAll('=', '')}`),
  fc.constant('none').map(() => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ permissions: ['tasks:read'], namespaces: ['*'] })).toString(
      'base64url',
    );
    return `Bearer ${header}.${payload}.`;
  }),
);

describe('malformed requests, generated', () => {
  let folder: string;
  let store: KnexStore;
  let api: ApiHarness;
  let token: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tasker-http-fuzz-'));
    store = createKnexStore({
      client: 'better-sqlite3',
      connection: { filename: join(folder, 'fuzz.sqlite') },
      useNullAsDefault: true,
    });
    api = await startApi(store, { rateLimit: false });
    token = `Bearer ${await testToken()}`;
  });
  afterAll(async () => {
    await api.close();
    await rm(folder, { recursive: true, force: true });
  });

  const expectRefused = (response: { statusCode: number; json(): { error?: { code?: string } } }) => {
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    const code = response.json().error?.code;
    expect(Object.keys(API_ERROR_STATUS)).toContain(code);
    expect(API_ERROR_STATUS[code as keyof typeof API_ERROR_STATUS]).toBe(response.statusCode);
  };

  it('answers every broken or random task request with a 4xx and a code, storing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          brokenBody.map((body) => JSON.stringify(body)),
          randomBody,
        ),
        async (payload) => {
          const response = await api.app.inject({
            method: 'POST',
            url: '/tasker/tasks',
            headers: { authorization: token, 'content-type': 'application/json' },
            payload,
          });
          expectRefused(response);
        },
      ),
      { numRuns: 1_500 },
    );
    expect((await store.listTasks({})).tasks).toEqual([]);
  });

  it('answers every malformed query with 400 and the fields at fault', async () => {
    await fc.assert(
      fc.asyncProperty(brokenQuery, async (url) => {
        const response = await api.app.inject({ method: 'GET', url, headers: { authorization: token } });
        expectRefused(response);
        expect(response.statusCode).toBe(400);
      }),
      { numRuns: 1_000 },
    );
  });

  it('answers every request for a made-up task, step or route with a 4xx and a code', async () => {
    const segment = fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent);
    const path = fc.oneof(
      segment.map((id) => `/tasker/tasks/${id}`),
      fc.tuple(fc.uuid(), segment).map(([id, step]) => `/tasker/tasks/${id}/steps/${step}`),
      fc.tuple(segment, segment).map(([namespace, name]) => `/tasker/namespaces/${namespace}/templates/${name}`),
      // Prefixed so that no generated route is a real one (`docs`, `events`...).
      segment.map((rest) => `/tasker/unknown-${rest}`),
    );
    await fc.assert(
      fc.asyncProperty(path, fc.constantFrom('GET', 'POST'), async (url, method) => {
        const response = await api.app.inject({ method, url, headers: { authorization: token } });
        expectRefused(response);
      }),
      { numRuns: 500 },
    );
    expect((await store.listTasks({})).tasks).toEqual([]);
  });

  it('answers every request without a valid token with 401, storing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(badAuthorization, fc.boolean(), async (authorization, create) => {
        const response = await api.app.inject(
          create
            ? { method: 'POST', url: '/tasker/tasks', headers: { authorization }, payload: validBody }
            : { method: 'GET', url: '/tasker/tasks', headers: { authorization } },
        );
        expectRefused(response);
        expect(response.statusCode).toBe(401);
      }),
      { numRuns: 600 },
    );
    expect((await store.listTasks({})).tasks).toEqual([]);
  });
});
