import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { DEFAULT_TABLE_PREFIX, createKnexStore } from '@tasker/store-knex';
import { freshPostgresDatabase, type TestDatabase } from '@tasker/store-knex/testing';
import { createRedisStore } from '@tasker/store-redis';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { checkoutBody, postCheckout, settledStatus, startTestApp, type TestApp } from './test-fixtures/test-app.js';

const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let test: TestApp | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await test?.close();
  test = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function checkOut() {
  const { body } = await postCheckout(test!.url, checkoutBody('tok_flaky'));
  const status = await settledStatus(test!.url, body.task_id as string);
  expect(status.status).toBe('completed');
  return body.task_id as string;
}

describe('where the app keeps its data', () => {
  it('keeps tasks and its own tables in PostgreSQL with a DATABASE_URL', async () => {
    const database: TestDatabase = await freshPostgresDatabase();
    cleanups.push(() => database.drop());
    test = await startTestApp({ storage: { databaseUrl: database.url } });
    expect(test.app.database.dialect).toBe('postgres');
    const taskId = await checkOut();
    const tables = await test.app.database.knex.raw(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    const names = (tables.rows as Array<{ table_name: string }>).map((row) => row.table_name);
    expect(names).toEqual(
      expect.arrayContaining(['products', 'orders', 'payments', 'inventory_movements', 'sent_emails']),
    );
    expect(await test.app.database.knex('payments').where({ reference: taskId })).toHaveLength(1);
    const store = createKnexStore(database.config(), { autoMigrate: false });
    try {
      expect((await store.getTask(taskId))?.state).toBe('completed');
    } finally {
      await store.close();
    }
  });

  it('keeps tasks in Redis with a REDIS_URL, and its own tables in the SQL database', async () => {
    const prefix = `checkout-test:${randomUUID()}:`;
    cleanups.push(async () => {
      const client = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 0 });
      const keys = await client.keys(`${prefix}*`);
      if (keys.length > 0) await client.unlink(...keys);
      client.disconnect();
    });
    // A password the test server does not ask for (ioredis goes on without it): the logs must not show it.
    const redisUrl = new URL(TEST_REDIS_URL);
    redisUrl.password = 'hunter2';
    test = await startTestApp({ storage: { redisUrl: redisUrl.toString(), redisPrefix: prefix } });
    expect(test.app.taskStoreLocation).toContain(`(keys ${prefix}*)`);
    expect(test.app.taskStoreLocation).not.toContain('hunter2');
    // The app's tables go to the test's own SQLite file, not to the demo's checkout.sqlite of `npm start`.
    expect(test.app.database.location.startsWith(tmpdir())).toBe(true);
    const taskId = await checkOut();
    const redis = createRedisStore(TEST_REDIS_URL, { prefix });
    try {
      expect((await redis.getTask(taskId))?.state).toBe('completed');
    } finally {
      await redis.close();
    }
    expect(test.app.database.dialect).toBe('sqlite');
    expect(await test.app.database.knex('orders').where({ task_id: taskId })).toHaveLength(1);
    expect(await test.app.database.knex.schema.hasTable(`${DEFAULT_TABLE_PREFIX}tasks`)).toBe(false);
  });
});
