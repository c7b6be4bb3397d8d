import { sampleSteps, sampleTask } from '@tasker/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisStore } from './create-redis-store.js';
import type { RedisStore } from './redis-store.js';
import { RedisServerProcess } from './testing/redis-server-process.js';
import { until } from './test-fixtures/until.js';

describe('watching for work across a Redis restart', () => {
  let server: RedisServerProcess | undefined;
  let store: RedisStore | undefined;

  afterAll(async () => {
    await store?.close();
    await server?.dispose();
  });

  it('wakes the watcher once reconnected, for what was announced while down, and hears announcements again', async () => {
    server = await RedisServerProcess.started();
    store = createRedisStore(server.url, { prefix: 'watch:' });
    let notified = 0;
    await store.watchWork(() => notified++);
    await server.kill('SIGKILL');
    await server.start();
    await until(() => notified === 1);

    const task = sampleTask();
    await store.createTask(task, sampleSteps(task.id));
    await until(() => notified === 2);
    expect(notified).toBe(2);
  });
});
