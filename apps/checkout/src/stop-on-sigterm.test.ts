import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { get, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redisWithAppendOnly } from '@tasker/chaos/servers';
import { startPrivatePostgres } from '@tasker/store-knex/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { checkoutBody, postCheckout } from './test-fixtures/test-app.js';

const APP_FOLDER = fileURLToPath(new URL('..', import.meta.url));
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
const GRACE_PERIOD_MS = 3_000;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs the app's `main.ts` as `npm start` does, on `env`; resolves with its URL once it listens. */
async function startMain(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: string[] }> {
  const child = spawn(TSX, ['--conditions=@tasker/source', 'src/main.ts'], {
    cwd: APP_FOLDER,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output.push(chunk.toString());
      const listening = /Checkout storefront on (http:\/\/[^,\s]+)/.exec(output.join(''));
      if (listening) resolve(listening[1]!);
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => reject(new Error(`main.ts exited with ${code}: ${output.join('')}`)));
  });
  return { child, url, output };
}

/** Opens `GET /orders/:id/events` and keeps it open; resolves once its first event arrived. */
async function openStream(url: string, taskId: string): Promise<IncomingMessage> {
  const response = await new Promise<IncomingMessage>((resolve, reject) =>
    get(`${url}/orders/${taskId}/events`, resolve).once('error', reject),
  );
  expect(response.statusCode).toBe(200);
  await once(response, 'data');
  response.resume();
  return response;
}

/** A store server of the test's own that it may stop, with the environment that points the app at it. */
interface OwnServer {
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Redis for the tasks (the shop's tables in SQLite), or PostgreSQL for both. */
const SERVERS: Array<[string, (folder: string) => Promise<OwnServer>]> = [
  [
    'Redis',
    async (folder) => {
      const redis = await redisWithAppendOnly(join(folder, 'redis'));
      let running = true;
      cleanups.push(async () => {
        if (running) await redis.stop();
      });
      return {
        env: { REDIS_URL: redis.url },
        stop: async () => {
          running = false;
          await redis.stop();
        },
      };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const postgres = await startPrivatePostgres();
      cleanups.push(() => postgres.destroy());
      return { env: { DATABASE_URL: postgres.url }, stop: () => postgres.crash() };
    },
  ],
];

describe.each(SERVERS)('SIGTERM with the store on %s', (_name, startServer) => {
  it('stops the app within the grace period plus 5 s with the store down and 5 event streams open', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'checkout-sigterm-'));
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    const server = await startServer(folder);
    const { child, url, output } = await startMain({
      PORT: '0',
      HOST: '127.0.0.1',
      SQLITE_FILE: join(folder, 'shop.sqlite'),
      ...server.env,
      // Slow services keep the checkouts, and so their event streams, running while the app stops.
      SERVICE_LATENCY_MS: '1500-2000',
      STOP_GRACE_PERIOD_MS: String(GRACE_PERIOD_MS),
      TASKER_AUTH: 'off',
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
    });

    const streams = [];
    for (let order = 0; order < 5; order++) {
      const accepted = await postCheckout(url, checkoutBody('tok_success'));
      expect(accepted.statusCode).toBe(202);
      streams.push(await openStream(url, accepted.body.task_id as string));
    }
    const ended = streams.map((stream) => once(stream, 'end'));

    await server.stop();
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    const tookMs = Date.now() - signalledAt;

    expect({ code, tookMs: tookMs < GRACE_PERIOD_MS + 5_000 }).toEqual({ code: 0, tookMs: true });
    await Promise.all(ended);
    expect(output.join('')).toContain('Stopping: finishing running steps');
  }, 60_000);
});
