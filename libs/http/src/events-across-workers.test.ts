import { randomUUID } from 'node:crypto';
import type { Engine, TaskStore } from '@tasker/core';
import { createKnexStore } from '@tasker/store-knex';
import { freshPostgresDatabase } from '@tasker/store-knex/testing';
import { createRedisStore } from '@tasker/store-redis';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startApi, testToken, type ApiHarness } from './test-fixtures/api-harness.js';
import { checkoutEngine } from './test-fixtures/checkout-engine.js';
import { readEventStream, type ReceivedEvent } from './test-fixtures/sse-client.js';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Two stores on one database, each with connections of its own, as two worker processes would have. */
interface SharedBackend {
  open(): TaskStore;
  cleanUp(): Promise<void>;
}

async function postgresBackend(): Promise<SharedBackend> {
  const database = await freshPostgresDatabase();
  return { open: () => createKnexStore(database.config()), cleanUp: () => database.drop() };
}

async function redisBackend(): Promise<SharedBackend> {
  const prefix = `tasker-test:${randomUUID()}:`;
  return {
    open: () => createRedisStore(REDIS_URL, { prefix }),
    async cleanUp() {
      const client = new Redis(REDIS_URL);
      const keys = await client.keys(`${prefix}*`);
      if (keys.length > 0) await client.unlink(...keys);
      client.disconnect();
    },
  };
}

const REFUND_EVENTS = ['task.started', 'step.started', 'custom.refund_issued', 'step.completed', 'task.completed'];

/** Runs a refund on `engine` (which leases it to itself at creation) to its end; answers its id. */
async function refund(engine: Engine): Promise<string> {
  const { taskId } = await engine.runTask({ namespace: 'payments', name: 'process_refund', context: {} });
  await engine.waitForTask(taskId);
  return taskId;
}

describe.each([
  ['PostgreSQL', postgresBackend],
  ['Redis', redisBackend],
])('GET /tasker/events across two workers on one %s', (_name, makeBackend) => {
  const closing: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closing.reverse()) await close();
  });

  it("streams the other worker's events, and resumes after Last-Event-ID with none lost or repeated", async () => {
    const backend = await makeBackend();
    closing.push(() => backend.cleanUp());
    const writerStore = backend.open();
    const writer = checkoutEngine(writerStore);
    await writer.start();
    closing.push(async () => {
      await writer.stop();
      await writerStore.close();
    });
    const served: ApiHarness = await startApi(backend.open());
    closing.push(async () => {
      await served.close();
      await served.store.close();
    });
    const url = `${await served.app.listen({ port: 0, host: '127.0.0.1' })}/tasker/events`;
    const token = await testToken();

    let first = '';
    const live = await readEventStream(url, {
      token,
      count: REFUND_EVENTS.length,
      connected: async () => void (first = await refund(writer)),
    });
    expect(live.map(({ event }) => event)).toEqual(REFUND_EVENTS);
    expect(live.every(({ data }) => data['task_id'] === first)).toBe(true);
    expect(new Set(live.map(({ id }) => id)).size).toBe(REFUND_EVENTS.length);

    // The client drops after the third event; meanwhile the writer finishes another refund.
    const second = await refund(writer);
    const resumed = await readEventStream(url, { token, count: 7, lastEventId: live[2]!.id! });
    const seen = (events: ReceivedEvent[]) => events.map(({ id, event, data }) => [id, event, data['task_id']]);
    expect(seen(resumed)).toEqual([
      ...seen(live.slice(3)),
      ...REFUND_EVENTS.map((event) => [expect.any(String), event, second]),
    ]);
    // In the log's order, the ids the served engine reads for itself.
    const logged = await served.engine.events.read({ after: live[2]!.id!, limit: 7 });
    expect(resumed.map(({ id }) => id)).toEqual(logged.map(({ id }) => id));

    // `?after=` resumes the same way, and an id the store never gave is refused before the stream opens.
    const fromQuery = await readEventStream(`${url}?after=${encodeURIComponent(live[3]!.id!)}&type=task.*`, {
      token,
      count: 2,
    });
    expect(fromQuery.map(({ event, data }) => [event, data['task_id']])).toEqual([
      ['task.completed', first],
      ['task.started', second],
    ]);
    const refused = await fetch(`${url}?after=nonsense`, { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(400);
  }, 30_000);
});
