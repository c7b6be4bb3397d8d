import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach } from 'vitest';
import { createCheckoutApp, type CheckoutApp, type CheckoutAppOptions } from '../checkout-app.js';
import {
  TEMPLATES_DIR,
  type CheckoutConfig,
  type SimulationConfig,
  type StorageConfig,
} from '../config/checkout-config.js';

/** A checkout app listening on a free port, on a SQLite file of its own, with its log lines kept. */
export interface TestApp {
  app: CheckoutApp;
  url: string;
  /** The app's log lines, parsed. */
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Simulated services that keep tests fast: near-zero latency, no faults, a short retry-after. */
export const TEST_SIMULATION: SimulationConfig = {
  latencyMs: { min: 0, max: 2 },
  transientFaultRate: 0,
  maxFaultRepeats: 2,
  flakyFailures: 2,
  rateLimitRetryAfterMs: 150,
  slowResponseMs: 5_000,
};

/** Settings that keep tests fast: near-zero latency, millisecond backoffs, short payment timeouts. */
function testConfig(directory: string, overrides: Partial<CheckoutConfig> = {}): CheckoutConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    storage: { sqliteFile: join(directory, 'checkout.sqlite'), redisPrefix: 'tasker:' },
    templatesDir: TEMPLATES_DIR,
    simulation: TEST_SIMULATION,
    // Long enough that a loaded CI machine never times a sound payment out; shorter than tok_timeout's answer.
    paymentTimeouts: { standardMs: 2_000, expressMs: 1_000 },
    review: { reviewAbove: 1_000, reviewTimeoutMs: 60_000 },
    retryBackoffBaseMs: 5,
    concurrency: 100,
    workerId: 'checkout-test',
    logLevel: 'info',
    taskerAuth: { disabled: true },
    // Tests start checkouts by the hundred from one address.
    checkoutRateLimit: false,
    salesSummaryCron: '0 0 2 * * *',
    storeTimeoutMs: 2_000,
    stopGracePeriodMs: 1_000,
    ...overrides,
  };
}

/**
 * What a test changes of {@link testConfig}. Storage settings are merged into the test's own, so that the SQLite
 * file always lies in the test's temporary folder, never in the working directory where `npm start` keeps the demo's.
 */
export type TestAppOverrides = Partial<Omit<CheckoutConfig, 'storage'>> & { storage?: Partial<StorageConfig> };

/** Starts an app on a fresh SQLite file; `close` stops it and deletes the file. */
export async function startTestApp(
  overrides: TestAppOverrides = {},
  options: CheckoutAppOptions = {},
): Promise<TestApp> {
  const directory = mkdtempSync(join(tmpdir(), 'checkout-test-'));
  const { storage, ...rest } = overrides;
  const config = testConfig(directory, rest);
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const app = await createCheckoutApp(
    { ...config, storage: { ...config.storage, ...storage } },
    {
      logger: pino({ level: 'info' }, sink),
      ...options,
    },
  );
  const url = await app.server.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    url,
    logs,
    async close() {
      await app.close({ gracePeriodMs: 1_000 });
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A checkout request body for `token`. */
export function checkoutBody(token: string, extra: Record<string, unknown> = {}) {
  return {
    cart_items: [
      { product_id: 1, quantity: 1 },
      { product_id: 3, quantity: 2 },
    ],
    payment_info: { token },
    customer_info: { email: 'sarah@growthcorp.example', name: 'Sarah' },
    ...extra,
  };
}

/** Posts a checkout and answers the parsed response with its status code. */
export async function postCheckout(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { statusCode: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Asks `GET /orders/:task_id/status` until it is no longer `processing`. */
export async function settledStatus(url: string, taskId: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await (await fetch(`${url}/orders/${taskId}/status`)).json()) as Record<string, unknown>;
    if (status.status !== 'processing') return status;
    if (Date.now() > deadline) throw new Error(`checkout ${taskId} still processing after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A task as `GET /tasker/tasks/:id` shows it, as far as the tests read it. */
export interface TaskJson {
  version: string;
  current_state: string;
  priority: number;
  correlation_id: string;
  workflow_steps: Array<{
    name: string;
    current_state: string;
    attempts: number;
    retry_limit: number;
    timeout_ms: number | null;
    results: unknown;
    error_message: string | null;
    waiting_for: { signal: string | null; until: string | null } | null;
  }>;
  annotations: Array<{ annotation_type: string; content: unknown }>;
  history: Array<{ step_name: string | null; to_state: string; error_code: string | null; at: string }>;
}

/** The task `taskId` through Tasker's REST API mounted at `/tasker`. */
export async function taskerTask(url: string, taskId: string): Promise<TaskJson> {
  const response = await fetch(`${url}/tasker/tasks/${taskId}`);
  if (!response.ok) throw new Error(`GET /tasker/tasks/${taskId} answered ${response.status}`);
  return (await response.json()) as TaskJson;
}

/** The step `name` of `task`. */
export function stepOf(task: TaskJson, name: string) {
  const step = task.workflow_steps.find((candidate) => candidate.name === name);
  if (!step) throw new Error(`task has no step ${name}`);
  return step;
}

/**
 * Starts a fresh app before each test of the calling file and closes it after; the returned object reads the
 * current test's app.
 */
export function useTestApp(overrides: TestAppOverrides = {}): TestApp {
  let current: TestApp | undefined;
  beforeEach(async () => {
    current = await startTestApp(overrides);
  });
  afterEach(() => current?.close());
  const app = () => {
    if (!current) throw new Error('the test app runs only inside a test');
    return current;
  };
  return {
    get app() {
      return app().app;
    },
    get url() {
      return app().url;
    },
    get logs() {
      return app().logs;
    },
    close: () => app().close(),
  };
}
