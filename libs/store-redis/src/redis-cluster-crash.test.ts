import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EngineEvent } from '@tasker/core';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createChainEngine } from './test-fixtures/chain-engine.js';
import { uniquePrefix } from './test-fixtures/test-redis.js';
import { TestStores } from './test-fixtures/test-stores.js';

const WORKER = fileURLToPath(new URL('./test-fixtures/crash-worker.ts', import.meta.url));
const stores = new TestStores(inject('redisClusterUrl'));

afterEach(() => stores.cleanUp());

/** Starts a crash worker on the cluster under `prefix`; resolves with the id of its task once its handler hangs. */
async function startDoomedWorker(prefix: string) {
  const child = spawn(
    process.execPath,
    ['--conditions=@tasker/source', '--import', 'tsx', WORKER, stores.url, prefix],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const taskId = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const running = /^running (\S+)$/m.exec(output);
      if (running) resolve(running[1]!);
    });
    child.once('exit', (code) => reject(new Error(`crash worker exited (${code}) before its task ran`)));
  });
  return { taskId, kill: async () => (child.kill('SIGKILL'), await exited) };
}

describe('a worker killed on a Redis Cluster', () => {
  it('leaves its task to another worker, which resumes it after the lease and logs every event once', async () => {
    const prefix = uniquePrefix();
    const doomed = await startDoomedWorker(prefix);
    await doomed.kill();

    const store = stores.open(prefix);
    const { engine, runs } = createChainEngine({ store, workerId: 'survivor', leaseMs: 1_000 });
    await engine.start();
    try {
      const task = await engine.waitForTask(doomed.taskId, { timeoutMs: 15_000 });
      expect(task.state).toBe('completed');
      // `reserve` committed before the kill and does not run again; the killed `charge` does.
      expect(runs).toEqual([`${doomed.taskId}:charge`, `${doomed.taskId}:ship`]);
      const logged = await engine.events.read({ taskId: doomed.taskId, limit: 1000 });
      const of = (type: EngineEvent['type'], stepName?: string) =>
        logged.filter(
          ({ event }) => event.type === type && ('stepName' in event ? event.stepName : undefined) === stepName,
        ).length;
      expect([of('step.completed', 'reserve'), of('step.started', 'charge'), of('step.completed', 'charge')]).toEqual([
        1, 2, 1,
      ]);
      expect(of('task.completed')).toBe(1);
      expect(logged.at(-1)?.event.type).toBe('task.completed');
    } finally {
      await engine.stop();
    }
  });
});
