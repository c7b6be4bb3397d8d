import type { InspectionEvent, Observer } from 'xstate';
import { DEFAULT_JSON_LIMITS, type JsonLimits } from '../domain/check-json.js';
import type { BackoffPolicy } from '../domain/template.js';
import { createMemoryStore } from '../store/memory-store.js';
import type { TaskStore } from '../store/task-store.js';
import type { VersionResolver } from '../templates/version-resolver.js';
import { systemClock, type Clock } from '../ports/clock.js';
import { Engine } from './engine.js';
import { DEFAULT_EVENT_LOG_SETTINGS, type EventLogSettings } from './event-log-retention.js';
import { retentionSettings, type RetentionOptions } from '../retention/retention-options.js';
import { DEFAULT_ENGINE_DEFAULTS, type EngineDefaults } from './engine-types.js';
import { silentLogger, type Logger } from '../ports/logger.js';
import { sessionPrefix, withSessionPrefix } from './session-prefix.js';
import type { StartTrace } from '../ports/start-trace.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import { randomUUID } from 'node:crypto';
import { webhookSettings, type WebhookOptions } from '../webhooks/webhook-options.js';

/** How to build an engine; every field is optional. */
export interface EngineOptions {
  /** Where tasks live; a fresh `createMemoryStore()` when absent. */
  store?: TaskStore;
  /** Time and timers; the wall clock when absent, XState's `SimulatedClock` in tests. */
  clock?: Clock;
  /** Most tasks this engine runs at once; the rest wait in the store. 100 when absent. */
  concurrency?: number;
  /** Step settings for steps that set none, and the per-task step parallelism. */
  defaults?: Partial<Omit<EngineDefaults, 'backoff'>> & { backoff?: Partial<BackoffPolicy> };
  /**
   * An XState inspection observer given to every task actor (e.g. `@statelyai/inspect`). It sees session ids
   * prefixed with the worker id and a random part of this engine's own (`worker-1.3fa9c2d1/x:0`), unique across
   * processes and restarts, and each root actor named `task:<task id>`.
   */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Structured logger (pino fits); silent when absent. */
  logger?: Logger;
  /** Source of randomness for backoff jitter; `Math.random` when absent. */
  random?: () => number;
  /** How a requested version is matched; exact or latest when absent. `@tasker/template` offers semver ranges. */
  resolveVersion?: VersionResolver;
  /** How long `stop()` lets running handlers finish by default. 30 s when absent. */
  stopGracePeriodMs?: number;
  /**
   * How long a step's compensation waits for the step's aborted or timed-out attempt to return, when its handler goes
   * on despite its signal: undoing work that is still being done could refund a charge that lands afterwards. 10 s
   * when absent; past it the compensation runs anyway.
   */
  abortedHandlerGraceMs?: number;
  /**
   * What one point of a task's `priority` is worth in the claim order: a task of priority `p` is claimed as if it had
   * become due `p × priorityAgeMs` earlier, so it overtakes lower-priority tasks that have waited less than the gap,
   * and any that waited longer still go first (none starves). 10 s when absent.
   */
  priorityAgeMs?: number;
  /**
   * This worker's name in the store's leases. Give each process a stable one (a pod name, say) so that after a
   * restart it takes back its tasks at once instead of waiting for their leases to expire. Random when absent.
   */
  workerId?: string;
  /** How long a worker's lease on a task lasts unless renewed (every third of it). 30 s when absent. */
  leaseMs?: number;
  /** How often an idle worker polls for work when no store notification wakes it. 2 s when absent. */
  pollIntervalMs?: number;
  /**
   * A task whose next event (a retry) is at least this far away is saved with its wake-up time and dropped from
   * memory until then (passivation). 60 s when absent.
   */
  passivateAfterMs?: number;
  /** Chooses the trace context each new task is stored with; the request's `traceContext` when absent. */
  startTrace?: StartTrace;
  /**
   * Caps on contexts, results, resolutions and annotations (see `checkJson`): 256 KiB contexts, 1 MiB results,
   * 64 levels deep when absent.
   */
  limits?: Partial<JsonLimits>;
  /**
   * An engine for operator tools (the `tasker` CLI): it creates tasks for workers to claim and acts on tasks
   * (`retryTask`, `cancelTask`, `resolveStep`) by claiming their lease like any worker, but runs no handler and no
   * compensation. A task it loads to act on is paused rather than resumed, so its operator event is recorded and
   * nothing starts; it then hands the lease back at once, and a worker claims the task and goes on from there.
   * `start()` is refused. `false` when absent.
   */
  operatorOnly?: boolean;
  /**
   * The store's event log, which every worker's `engine.events` reads: each event is appended in the same commit as
   * the write that causes it. Kept 7 days and at most 1,000,000 events, purged every minute, when absent; `false`
   * logs nothing (events reach only this process's `engine.on` listeners), for the last bit of throughput.
   */
  eventLog?: false | Partial<EventLogSettings>;
  /**
   * Webhooks: each is a durable subscriber (see `Engine.subscribe`) that POSTs the events it names to its URL,
   * signed with its secret, retried on network errors, timeouts, 5xx and 429 (docs/ENGINE.md, _Webhooks_). One
   * worker of the store at a time delivers to each. None when absent.
   */
  webhooks?: readonly WebhookOptions[];
  /**
   * Removal of finished tasks: their age by the state they finished in (`{ completed: '7d', failed: '30d',
   * cancelled: '7d' }`; `resolved_manually` follows `completed`, `compensation_failed` is kept unless given), with
   * optional archival to the store's archive table or to a directory of JSON Lines files. One worker of the store at
   * a time purges, in small batches with pauses between them (docs/ENGINE.md, _Retention and archival_). Nothing is
   * purged when absent.
   */
  retention?: RetentionOptions;
}

function eventLogSettings(option: EngineOptions['eventLog']): EventLogSettings | false {
  if (option === false) return false;
  const settings = { ...DEFAULT_EVENT_LOG_SETTINGS, ...option };
  return {
    maxAgeMs: positive('eventLog.maxAgeMs', settings.maxAgeMs),
    maxCount: wholePositive('eventLog.maxCount', settings.maxCount),
    purgeIntervalMs: positive('eventLog.purgeIntervalMs', settings.purgeIntervalMs),
  };
}

function wholePositive(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new InvalidRequestError(field, 'must be a positive whole number');
  return value;
}

function positive(field: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new InvalidRequestError(field, 'must be a positive number of ms');
  return value;
}

/**
 * Creates an engine.
 *
 * @example
 * const engine = createEngine({ store: createMemoryStore(), concurrency: 50 });
 * engine.registerHandler('ValidateCart', async (ctx) => ({ total: 42 }));
 * engine.registerTemplate({ namespace: 'ecommerce', name: 'process_order', version: '1.0.0', steps: [
 *   { name: 'validate_cart', handler: 'ValidateCart' },
 * ] });
 * await engine.start();
 * const { taskId } = await engine.runTask({ namespace: 'ecommerce', name: 'process_order', context: {} });
 * const task = await engine.waitForTask(taskId);
 */
export function createEngine(options: EngineOptions = {}): Engine {
  const concurrency = options.concurrency ?? 100;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidRequestError('concurrency', 'must be a positive whole number of tasks');
  }
  const defaults: EngineDefaults = {
    ...DEFAULT_ENGINE_DEFAULTS,
    ...options.defaults,
    backoff: { ...DEFAULT_ENGINE_DEFAULTS.backoff, ...options.defaults?.backoff },
  };
  const workerId = options.workerId ?? randomUUID();
  const store = options.store ?? createMemoryStore();
  return new Engine({
    store,
    clock: options.clock ?? systemClock,
    concurrency,
    defaults,
    logger: options.logger ?? silentLogger,
    random: options.random ?? Math.random,
    stopGracePeriodMs: options.stopGracePeriodMs ?? 30_000,
    abortedHandlerGraceMs: positive('abortedHandlerGraceMs', options.abortedHandlerGraceMs ?? 10_000),
    priorityAgeMs: positive('priorityAgeMs', options.priorityAgeMs ?? 10_000),
    lease: {
      workerId,
      leaseMs: positive('leaseMs', options.leaseMs ?? 30_000),
      pollIntervalMs: positive('pollIntervalMs', options.pollIntervalMs ?? 2_000),
    },
    passivateAfterMs: positive('passivateAfterMs', options.passivateAfterMs ?? 60_000),
    operatorOnly: options.operatorOnly ?? false,
    limits: {
      contextBytes: wholePositive(
        'limits.contextBytes',
        options.limits?.contextBytes ?? DEFAULT_JSON_LIMITS.contextBytes,
      ),
      resultBytes: wholePositive('limits.resultBytes', options.limits?.resultBytes ?? DEFAULT_JSON_LIMITS.resultBytes),
      depth: wholePositive('limits.depth', options.limits?.depth ?? DEFAULT_JSON_LIMITS.depth),
    },
    eventLog: eventLogSettings(options.eventLog),
    webhooks: webhookSettings(options.webhooks ?? []),
    ...(options.retention ? { retention: retentionSettings(options.retention, store.archivesToTable) } : {}),
    ...(options.inspect ? { inspect: withSessionPrefix(options.inspect, sessionPrefix(workerId)) } : {}),
    ...(options.resolveVersion ? { resolveVersion: options.resolveVersion } : {}),
    ...(options.startTrace ? { startTrace: options.startTrace } : {}),
  });
}
