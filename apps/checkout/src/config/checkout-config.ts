import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { cronTimes, redactUrl } from '@tasker/core';
import { fileURLToPath } from 'node:url';
import type { AuthOptions } from '@tasker/http';
import {
  parseLatency,
  parsePositiveWholeNumber,
  parseRate,
  parseWholeNumber,
  type LatencyRange,
} from './parse-setting.js';
import { taskerAuthFromEnvironment } from './tasker-auth.js';
import { SettingError } from './setting-error.js';

/** The repository's `config/tasker/tasks`: where the app's task templates live unless `TASKER_TEMPLATES_DIR` says. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../../../config/tasker/tasks', import.meta.url));

/** How the simulated payment processor, inventory service and mailer behave. */
export interface SimulationConfig {
  /** How long each call to each service takes, drawn evenly from the range. */
  latencyMs: LatencyRange;
  /**
   * The share of requests to each service that meet a transient fault (0 to 1). Such a request fails 1 to
   * {@link maxFaultRepeats} times in a row (before or after doing its work), then succeeds.
   */
  transientFaultRate: number;
  /** The most times in a row one request fails from {@link transientFaultRate}. */
  maxFaultRepeats: number;
  /** How many times a `tok_flaky` charge fails before it goes through. */
  flakyFailures: number;
  /** What a `tok_rate_limited` charge is told to wait before trying again. */
  rateLimitRetryAfterMs: number;
  /** How long a `tok_timeout` charge's first answer takes: longer than the step's timeout, so the attempt times out. */
  slowResponseMs: number;
}

/** How the payment step is timed, per priority (the seed: 30 s from the template, 15 s for express orders). */
export interface PaymentTimeouts {
  /** Overrides the template's `timeout` of `process_payment` for standard orders; the template's when absent. */
  standardMs?: number;
  expressMs: number;
}

/** Where the engine keeps its tasks and the app its tables. */
export interface StorageConfig {
  /** `postgres://...`: tasks and the app's tables in PostgreSQL. Absent: both in the SQLite file. */
  databaseUrl?: string;
  /** The SQLite file of the embedded default. */
  sqliteFile: string;
  /** `redis://...`: the engine's tasks in Redis; the app's tables stay in the SQL database. */
  redisUrl?: string;
  /** The prefix of the engine's Redis keys. */
  redisPrefix: string;
}

/** Everything the checkout app is configured with. */
export interface CheckoutConfig {
  host: string;
  port: number;
  storage: StorageConfig;
  /** The folder of YAML task templates the engine loads. */
  templatesDir: string;
  simulation: SimulationConfig;
  paymentTimeouts: PaymentTimeouts;
  /** Orders whose total (currency units) is above `reviewAbove` wait for a fraud review, `reviewTimeoutMs` at most. */
  review: { reviewAbove: number; reviewTimeoutMs: number };
  /** Backoff of retried steps: `baseMs * 2^(retry-1)`, capped. */
  retryBackoffBaseMs: number;
  /** Most checkouts the engine runs at once. */
  concurrency: number;
  /**
   * This process's name in the engine's task leases: stable across restarts, so a restarted app takes its unfinished
   * checkouts back at once instead of waiting for its old leases to expire. Give each replica its own.
   */
  workerId: string;
  logLevel: string;
  /** Authentication of the REST API at `/tasker` (see `taskerAuthFromEnvironment`). */
  taskerAuth: AuthOptions;
  /** Where the dashboard at `/tasker/ui` links a task's trace id, `{traceId}` marking its place (`TASKER_TRACE_URL`). */
  traceUrl?: string;
  /**
   * On SIGTERM or SIGINT, how long running steps may finish (and their outcomes commit); the process exits at most a
   * few seconds later whatever happens, a store that is down included.
   */
  stopGracePeriodMs: number;
  /** How long a storefront request waits on the task store before answering 503 `STORE_UNAVAILABLE`. */
  storeTimeoutMs: number;
  /** Checkouts one client (by IP) may start per window, as `/tasker/tasks` limits task creations; `false`: no limit. */
  checkoutRateLimit: { max: number; timeWindowMs: number } | false;
  /** When the nightly sales summary runs: a cron expression, read in UTC. */
  salesSummaryCron: string;
}

/** `SALES_SUMMARY_CRON`, checked by the engine's cron parser so that a typo stops the start, naming the variable. */
function salesSummaryCronOf(env: NodeJS.ProcessEnv): string {
  const cron = env.SALES_SUMMARY_CRON || '0 0 2 * * *';
  try {
    cronTimes(cron, undefined);
  } catch (error) {
    throw new SettingError(`SALES_SUMMARY_CRON must be a cron expression, not '${cron}': ${(error as Error).message}`);
  }
  return cron;
}

/** `CHECKOUT_RATE_LIMIT` checkouts per `CHECKOUT_RATE_WINDOW_MS`; none for a limit of 0. */
function checkoutRateLimitOf(env: NodeJS.ProcessEnv): CheckoutConfig['checkoutRateLimit'] {
  const max = parseWholeNumber('CHECKOUT_RATE_LIMIT', env.CHECKOUT_RATE_LIMIT ?? '100');
  const timeWindowMs = parsePositiveWholeNumber('CHECKOUT_RATE_WINDOW_MS', env.CHECKOUT_RATE_WINDOW_MS ?? '60000');
  return max === 0 ? false : { max, timeWindowMs };
}

/**
 * Reads the configuration from environment variables; every one is optional.
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | `PORT`, `HOST` | where the HTTP server listens | `3000`, `127.0.0.1` |
 * | `DATABASE_URL` | `postgres://...`: tasks and the app's tables in PostgreSQL | the SQLite file |
 * | `SQLITE_FILE` | the embedded default's file | `checkout.sqlite` in the working directory |
 * | `REDIS_URL` | the engine's tasks in Redis (the app's tables stay in the SQL database) | unset |
 * | `REDIS_PREFIX` | prefix of the engine's Redis keys | `tasker:` |
 * | `TASKER_TEMPLATES_DIR` | the folder of YAML task templates | the repository's `config/tasker/tasks` |
 * | `FAULT_RATE` | share of requests to every simulated service that meet a transient fault | `0` |
 * | `FAULT_MAX_REPEATS` | most failures in a row of one faulty request | `2` |
 * | `SERVICE_LATENCY_MS` | `min-max` latency of each simulated call | `150-600` |
 * | `FLAKY_FAILURES` | failures of a `tok_flaky` charge before it succeeds | `2` |
 * | `RATE_LIMIT_RETRY_AFTER_MS` | the retry-after of `tok_rate_limited` | `2000` |
 * | `SLOW_RESPONSE_MS` | first answer time of `tok_timeout` | `45000` |
 * | `PAYMENT_TIMEOUT_MS`, `EXPRESS_PAYMENT_TIMEOUT_MS` | payment step timeout, standard and express | template's, `15000` |
 * | `REVIEW_ABOVE` | order total (currency units) above which a checkout waits for a fraud review | `1000` |
 * | `REVIEW_TIMEOUT_MS` | how long a checkout waits for its review before it fails | `86400000` (a day) |
 * | `RETRY_BACKOFF_MS` | base of the retry backoff | `1000` |
 * | `CONCURRENCY` | checkouts run at once | `100` |
 * | `LOG_LEVEL` | pino level | `info` |
 * | `TASKER_JWT_SECRET`, `TASKER_AUTH` | auth of `/tasker`: an HS256 secret, or `off` | `off` unless production |
 * | `TASKER_MAX_TOKEN_LIFETIME_SECONDS` | longest `iat` to `exp` of a `/tasker` token | `86400` |
 * | `STOP_GRACE_PERIOD_MS` | on SIGTERM, how long running steps may finish; the process exits soon after | `10000` |
 * | `STORE_TIMEOUT_MS` | longest wait of a storefront request on the task store (503 past it) | `10000` |
 * | `CHECKOUT_RATE_LIMIT`, `CHECKOUT_RATE_WINDOW_MS` | checkouts per client IP per window (429 past it; `0`: none) | `100`, `60000` |
 * | `SALES_SUMMARY_CRON` | when the nightly sales summary runs (cron, UTC; six fields with seconds first) | `0 0 2 * * *` |
 *
 * @throws SettingError naming the variable whose value is malformed.
 */
export function configFromEnvironment(env: NodeJS.ProcessEnv = process.env): CheckoutConfig {
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new SettingError(`DATABASE_URL must be a postgres:// URL, not '${redactUrl(databaseUrl)}'`);
  }
  const standardMs = env.PAYMENT_TIMEOUT_MS
    ? parseWholeNumber('PAYMENT_TIMEOUT_MS', env.PAYMENT_TIMEOUT_MS)
    : undefined;
  return {
    host: env.HOST || '127.0.0.1',
    port: parseWholeNumber('PORT', env.PORT ?? '3000'),
    storage: {
      ...(databaseUrl ? { databaseUrl } : {}),
      sqliteFile: resolve(env.SQLITE_FILE || 'checkout.sqlite'),
      ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
      redisPrefix: env.REDIS_PREFIX || 'tasker:',
    },
    templatesDir: resolve(env.TASKER_TEMPLATES_DIR || TEMPLATES_DIR),
    simulation: {
      // Latencies a person can watch go by in the storefront.
      latencyMs: parseLatency('SERVICE_LATENCY_MS', env.SERVICE_LATENCY_MS ?? '150-600'),
      transientFaultRate: parseRate('FAULT_RATE', env.FAULT_RATE ?? '0'),
      maxFaultRepeats: parseWholeNumber('FAULT_MAX_REPEATS', env.FAULT_MAX_REPEATS ?? '2'),
      flakyFailures: parseWholeNumber('FLAKY_FAILURES', env.FLAKY_FAILURES ?? '2'),
      rateLimitRetryAfterMs: parseWholeNumber('RATE_LIMIT_RETRY_AFTER_MS', env.RATE_LIMIT_RETRY_AFTER_MS ?? '2000'),
      slowResponseMs: parseWholeNumber('SLOW_RESPONSE_MS', env.SLOW_RESPONSE_MS ?? '45000'),
    },
    paymentTimeouts: {
      ...(standardMs === undefined ? {} : { standardMs }),
      expressMs: parseWholeNumber('EXPRESS_PAYMENT_TIMEOUT_MS', env.EXPRESS_PAYMENT_TIMEOUT_MS ?? '15000'),
    },
    review: {
      reviewAbove: parseWholeNumber('REVIEW_ABOVE', env.REVIEW_ABOVE ?? '1000'),
      reviewTimeoutMs: parsePositiveWholeNumber('REVIEW_TIMEOUT_MS', env.REVIEW_TIMEOUT_MS ?? '86400000'),
    },
    retryBackoffBaseMs: parseWholeNumber('RETRY_BACKOFF_MS', env.RETRY_BACKOFF_MS ?? '1000'),
    concurrency: parseWholeNumber('CONCURRENCY', env.CONCURRENCY ?? '100'),
    workerId: env.TASKER_WORKER_ID || `checkout@${hostname()}`,
    logLevel: env.LOG_LEVEL || 'info',
    taskerAuth: taskerAuthFromEnvironment(env),
    ...(env.TASKER_TRACE_URL ? { traceUrl: env.TASKER_TRACE_URL } : {}),
    stopGracePeriodMs: parseWholeNumber('STOP_GRACE_PERIOD_MS', env.STOP_GRACE_PERIOD_MS ?? '10000'),
    storeTimeoutMs: parsePositiveWholeNumber('STORE_TIMEOUT_MS', env.STORE_TIMEOUT_MS ?? '10000'),
    checkoutRateLimit: checkoutRateLimitOf(env),
    salesSummaryCron: salesSummaryCronOf(env),
  };
}
