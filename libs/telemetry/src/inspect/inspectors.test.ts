import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { CHECKOUT, checkoutEngine } from '../test-fixtures/checkout.js';
import { inspectConfigFromEnv, inspectFromConfig } from './inspect-from-config.js';
import { createWebSocketInspect } from './websocket-inspector.js';

const WORKER = fileURLToPath(new URL('../test-fixtures/inspected-worker.ts', import.meta.url));
const run = promisify(execFile);

interface Received {
  type: string;
  sessionId: string;
  rootId?: string;
  name?: string;
  snapshot?: { value?: unknown; status?: string };
}

const servers: WebSocketServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A WebSocket receiver on loopback that collects every message, and its URL. */
async function receiver() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const received: Received[] = [];
  server.on('connection', (socket) => socket.on('message', (data) => received.push(JSON.parse(data.toString()))));
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

async function until(condition: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('XState inspectors', () => {
  it('delivers the snapshots of task and step actors to a WebSocket receiver on loopback', async () => {
    const { url, received } = await receiver();
    const inspector = createWebSocketInspect(url);
    const engine = checkoutEngine({ inspect: inspector.inspect });
    await engine.start();
    await engine.waitForTask((await engine.runTask(CHECKOUT)).taskId);
    await engine.stop();
    await until(() => received.some((event) => event.type === '@xstate.snapshot' && event.snapshot?.status === 'done'));
    await inspector.stop();

    const actors = received.filter((event) => event.type === '@xstate.actor');
    expect(actors.map((event) => event.name)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^task:/),
        'validate_cart',
        'process_payment',
        'update_inventory',
        'create_order',
        'send_confirmation',
      ]),
    );
    const taskSession = actors.find((event) => event.name?.startsWith('task:'))!.sessionId;
    const taskStates = received
      .filter((event) => event.type === '@xstate.snapshot' && event.sessionId === taskSession)
      .map((event) => event.snapshot?.value);
    expect(taskStates).toContainEqual('completed');
  });

  it('writes inspection events as JSON lines to a file, and switches on from the environment', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tasker-inspect-')), 'inspection.jsonl');
    const config = inspectConfigFromEnv({ TASKER_INSPECT_FILE: file });
    expect(config).toEqual({ jsonlFile: file });
    expect(inspectFromConfig({})).toBeUndefined();
    const inspector = inspectFromConfig(config)!;
    const engine = checkoutEngine({ inspect: inspector.inspect });
    await engine.start();
    await engine.waitForTask((await engine.runTask(CHECKOUT)).taskId);
    await engine.stop();
    await inspector.stop();

    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Received);
    expect(lines.length).toBeGreaterThan(20);
    expect(new Set(lines.map((line) => line.type))).toEqual(
      new Set(['@xstate.actor', '@xstate.event', '@xstate.snapshot']),
    );
    const task = lines.find((line) => line.type === '@xstate.actor' && line.name?.startsWith('task:'))!;
    expect(
      lines.filter((line) => line.sessionId === task.sessionId && line.type === '@xstate.snapshot').at(-1)?.snapshot
        ?.value,
    ).toBe('completed');
  });

  it('keeps the sessions of two worker processes apart in one inspector, and names each root by its task', async () => {
    const { url, received } = await receiver();
    const runWorker = async (workerId: string) => {
      const args = ['--conditions=@tasker/source', '--import', 'tsx', WORKER, url, workerId];
      return (await run(process.execPath, args)).stdout.trim();
    };
    const taskIds = await Promise.all([runWorker('worker-a'), runWorker('worker-b')]);
    await until(() => taskIds.every((taskId) => received.some((event) => event.name === `task:${taskId}`)));

    const sessionsOf = taskIds.map((taskId) => {
      const root = received.find((event) => event.type === '@xstate.actor' && event.name === `task:${taskId}`)!;
      // The root actor's own events carry its session id; its steps' events carry it as their root.
      expect(root.rootId).toBe(root.sessionId);
      return new Set(received.filter((event) => event.rootId === root.sessionId).map((event) => event.sessionId));
    });
    expect(sessionsOf[0]!.size).toBeGreaterThan(5);
    expect(sessionsOf[1]!.size).toBeGreaterThan(5);
    expect([...sessionsOf[0]!].filter((session) => sessionsOf[1]!.has(session))).toEqual([]);
    expect([...sessionsOf[0]!].every((session) => session.startsWith('worker-a.'))).toBe(true);
    expect([...sessionsOf[1]!].every((session) => session.startsWith('worker-b.'))).toBe(true);
  });

  it('feeds both inspectors when both are configured', async () => {
    const { url, received } = await receiver();
    const file = join(mkdtempSync(join(tmpdir(), 'tasker-inspect-')), 'both.jsonl');
    const inspector = inspectFromConfig(inspectConfigFromEnv({ TASKER_INSPECT_URL: url, TASKER_INSPECT_FILE: file }))!;
    const engine = checkoutEngine({ inspect: inspector.inspect });
    await engine.start();
    await engine.waitForTask((await engine.runTask(CHECKOUT)).taskId);
    await engine.stop();
    await until(() => received.length > 0);
    await inspector.stop();
    expect(readFileSync(file, 'utf8').split('\n').length).toBeGreaterThan(1);
  });
});
