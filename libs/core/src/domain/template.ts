import type { RetentionAges } from '../retention/retention-policy.js';
import type { JsonObject, JsonValue } from './json.js';

/**
 * How long to wait before retry number `n` (1 for the first retry): `min(maxMs, baseMs * factor^(n-1))`, then
 * shortened by up to `jitter` of itself so that many failing steps do not retry in lockstep.
 */
export interface BackoffPolicy {
  /** Delay before the first retry, in milliseconds. */
  baseMs: number;
  /** Multiplier applied for every further retry. */
  factor: number;
  /** Cap on any one delay, including a handler's `retryAfterMs`. */
  maxMs: number;
  /** Fraction (0 to 1) of the delay that may be taken off at random; 0 gives exact delays. */
  jitter: number;
}

/** The retry and timeout settings of one step, after template defaults and task hooks are applied. */
export interface StepSettings {
  /** `false` means exactly one attempt. */
  retryable: boolean;
  /** Retries after the first attempt: `3` means up to four attempts. */
  retryLimit: number;
  /** Time one attempt may take before its signal is aborted and the attempt fails; none when absent. */
  timeoutMs?: number;
  backoff: BackoffPolicy;
  /** How the step is undone when its task fails for good or is cancelled; none when the step is not compensable. */
  compensate?: CompensationSettings;
  /** What a sleep or signal step waits for; absent for a step whose handler does the work. */
  wait?: WaitSettings;
  /** Set on a map step: what it maps over and how many items run at once, with the default applied. */
  map?: { over: string; maxParallel: number };
  /** Set on a decision step: its handler's result names the deferred dependants to run (docs/ENGINE.md). */
  decision?: true;
  /** Set on a deferred step: it runs only when a decision step it depends on activates it, else ends `skipped`. */
  deferred?: true;
  /** How many attempts of this step run at once across all workers, per value of a key. */
  concurrency?: ConcurrencyLimit;
  /** How many attempts of this step start per period across all workers, per value of a key. */
  rateLimit?: RateLimit;
}

/**
 * A concurrency key (YAML `concurrency: { key, limit }`): at most `limit` attempts of the step run at once among the
 * tasks whose `key` reads the same value, across every worker of the store; the others wait `throttled`.
 */
export interface ConcurrencyLimit {
  /** A value path (`$.context.merchant_id`, `$.results.<dependency>.x`) whose value names the semaphore. */
  key: string;
  /** How many attempts hold a slot at once: a positive integer. */
  limit: number;
}

/**
 * A rate limit (YAML `rate_limit: { key, limit, period_ms }`): at most `limit` attempts of the step start per
 * `periodMs` among the tasks whose `key` reads the same value (a token bucket of `limit` tokens refilled over
 * `periodMs`), across every worker; the others wait `throttled` until the next token comes.
 */
export interface RateLimit {
  /** A value path whose value names the bucket, like {@link ConcurrencyLimit.key}. */
  key: string;
  /** Tokens per period, and the most taken at once: a positive integer. */
  limit: number;
  /** The period in milliseconds: a positive integer. */
  periodMs: number;
}

/**
 * What a sleep or signal step waits for, as its task keeps it. A sleep ends `durationMs` after the step first starts
 * waiting, or at `until`: an ISO 8601 time, or the dotted path of a value of the task's context holding one (or
 * epoch milliseconds). A signal step ends when the signal `signal` is sent to its task, with the signal's payload
 * as its result, or fails with `SIGNAL_TIMEOUT` once `timeoutMs` have passed without it.
 */
export type WaitSettings =
  { kind: 'sleep'; durationMs?: number; until?: string } | { kind: 'signal'; signal: string; timeoutMs?: number };

/**
 * What a step is: one whose handler does its work (the default), a durable sleep, a wait for a signal, or a decision
 * whose handler chooses which of its deferred dependants run.
 */
export type StepType = 'handler' | 'sleep' | 'signal' | 'decision';

/**
 * What a decision step's handler returns: the names of the deferred dependants to run; the others are skipped. A type
 * alias rather than an interface, so that it is assignable to the JSON a handler returns.
 */
export type DecisionResult = { activate: string[] };

/** A step's compensation as a task keeps it: its handler, and its own settings with defaults applied. */
export interface CompensationSettings {
  /** Name of a registered compensation handler. */
  handler: string;
  retryable: boolean;
  retryLimit: number;
  timeoutMs?: number;
  backoff: BackoffPolicy;
}

/** One node of a task template's DAG. */
export interface StepTemplate {
  name: string;
  description?: string;
  /**
   * `handler` (the default) runs `handler`; `sleep` and `signal` steps wait durably and name no handler; a `decision`
   * step's handler returns a {@link DecisionResult}.
   */
  type?: StepType;
  /** Name of a registered step handler; required for a `handler` or `decision` step, absent for the others. */
  handler?: string;
  /** A sleep step's length in milliseconds, counted from when it starts waiting (YAML `duration`). */
  durationMs?: number;
  /** When a sleep step ends: an ISO 8601 time, or the dotted path of a context value holding one (or epoch ms). */
  until?: string;
  /** The name of the signal a signal step waits for (`engine.signal(taskId, name, payload)`). */
  signal?: string;
  /** JSON Schema a signal step's payload must match; a signal that breaks it is refused when sent. */
  schema?: JsonObject;
  /** Steps whose results this step needs; it starts once all of them are completed or resolved manually. */
  dependsOn?: string[];
  retryable?: boolean;
  retryLimit?: number;
  /** An attempt's timeout; for a signal step, how long it waits for its signal before failing with `SIGNAL_TIMEOUT`. */
  timeoutMs?: number;
  backoff?: Partial<BackoffPolicy>;
  /** Free JSON handed to the handler as `ctx.step.config`. */
  config?: JsonObject;
  /** The outside system the step talks to (`payment_gateway`), kept on its row and shown in views and analytics. */
  dependentSystem?: string;
  /** How to undo the step's work when its task fails for good or is cancelled (YAML `compensate`). */
  compensate?: CompensationTemplate;
  /** A task request may bypass this step by naming it in `bypassSteps`: it ends `skipped` and counts as done. */
  skippable?: boolean;
  /** Caps the step's attempts running at once per key value, across workers (YAML `concurrency`). */
  concurrency?: ConcurrencyLimit;
  /** Caps the step's attempts started per period per key value, across workers (YAML `rate_limit`). */
  rateLimit?: RateLimit;
  /**
   * Runs only when a decision step it depends on names it in its result's `activate`; otherwise it ends `skipped`.
   * A deferred step must depend on a decision step.
   */
  deferred?: boolean;
  /**
   * Makes a handler step a map step: its handler runs once per element of the array `over` points to (a value path,
   * `$.context.recipients` or `$.results.<dependency>.items`), each item with its own attempts, retries, backoff and
   * timeout; at most `maxParallel` (default {@link DEFAULT_MAP_PARALLELISM}) run at once. The step's result is the
   * items' results in order.
   */
  map?: MapTemplate;
}

/** A map step's fan-out (YAML `map: { over, max_parallel }`). */
export interface MapTemplate {
  over: string;
  maxParallel?: number;
}

/** How many items of a map step run at once when its template does not say. */
export const DEFAULT_MAP_PARALLELISM = 10;

/**
 * A step's compensation: a registered compensation handler with retries, backoff and timeout of its own. Settings
 * left out take the engine's step defaults.
 */
export interface CompensationTemplate {
  /** Name of a registered compensation handler. */
  handler: string;
  retryLimit?: number;
  timeoutMs?: number;
  backoff?: Partial<BackoffPolicy>;
  retryable?: boolean;
}

/** The highest priority a task or template may name (see `RunTaskRequest.priority`). */
export const MAX_PRIORITY = 1_000;

/** Whether `value` is a priority: a whole number from 0 to {@link MAX_PRIORITY}. */
export function isPriority(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_PRIORITY;
}

/** One violation of a task template's context schema. */
export interface ContextViolation {
  /** JSON pointer of the offending value, `''` for the root. */
  path: string;
  message: string;
}

/**
 * A versioned (`namespace/name@version`) DAG of steps. Built in TypeScript or produced by `@tasker/template`
 * from YAML.
 */
export interface TaskTemplate {
  namespace: string;
  name: string;
  /** Semantic version, e.g. `1.0.0`. */
  version: string;
  description?: string;
  /** Name of a registered task handler whose hooks run around every task of this template. */
  taskHandler?: string;
  /** JSON Schema of the task's context, kept for display; `validateContext` enforces it. */
  contextSchema?: JsonObject;
  /** Checks a task request's context; every violation it returns refuses the request. */
  validateContext?: (context: JsonObject) => ContextViolation[];
  /** The priority of this template's tasks whose request names none (see `RunTaskRequest.priority`); 0 when absent. */
  priority?: number;
  /** Most steps of one task that run at once; the engine's default when absent. */
  maxParallelSteps?: number;
  /**
   * How long a task of this template may take, in milliseconds from when it is due (its `runAt`, else its creation;
   * YAML `deadline_ms`; a request's `deadlineMs` overrides it). Past it, the task stops its steps and fails with
   * `DEADLINE_EXCEEDED`, compensating first when it has work to undo.
   */
  deadlineMs?: number;
  /**
   * Names of signals this template's step handlers wait for with `ctx.waitForSignal` (YAML `signals`). Signal steps
   * declare theirs; a signal of any other name is refused when sent.
   */
  signals?: string[];
  /**
   * Checks a signal's payload against the schema of the signal step that waits for it; every violation refuses the
   * signal. Set by `@tasker/template` from the steps' `schema`.
   */
  validateSignal?: (signal: string, payload: JsonValue) => ContextViolation[];
  /** Names of the events this template's step handlers may publish with `ctx.publish` (as `custom.<name>`). */
  customEvents?: string[];
  /**
   * Whether an operator may retry a task that failed or was cancelled and then compensated: it starts over with a
   * fresh budget for every step not completed. `false` (the default) refuses such a retry.
   */
  retryAfterCompensation?: boolean;
  /**
   * How long this template's finished tasks are kept, by state (YAML `retention`), over the engine's
   * `retention`: each state named here replaces the engine's age for these tasks (`false` keeps them for ever).
   */
  retention?: RetentionAges;
  /**
   * Schedules that start tasks of this template (YAML `schedules:`): declared only. Registering the template does
   * not store them; `scheduleTemplates` of `@tasker/template`, or `engine.schedule` for each, does.
   */
  schedules?: TemplateSchedule[];
  steps: StepTemplate[];
}

/** A schedule declared on a template: its task is a task of that template (of its version), with `context`. */
export interface TemplateSchedule {
  id: string;
  cron: string;
  timezone?: string;
  context: JsonObject;
  catchUp?: 'none' | 'latest' | 'all';
  overlap?: 'allow' | 'skip';
}

/** `namespace/name@version`, the way templates are named in messages and logs. */
export function templateKey(template: Pick<TaskTemplate, 'namespace' | 'name' | 'version'>): string {
  return `${template.namespace}/${template.name}@${template.version}`;
}

/** The built-in handler of sleep steps, registered in every engine. */
export const SLEEP_HANDLER = 'tasker.sleep';
/** The built-in handler of signal steps, registered in every engine. */
export const SIGNAL_HANDLER = 'tasker.signal';

/** The handler that runs `step`: its own, or the built-in one of a sleep or signal step. */
export function stepHandlerName(step: Pick<StepTemplate, 'type' | 'handler'>): string {
  if (step.type === 'sleep') return SLEEP_HANDLER;
  if (step.type === 'signal') return SIGNAL_HANDLER;
  return step.handler ?? '';
}

/** Every signal `template` declares: its signal steps' and those its handlers wait for (`signals`). */
export function declaredSignals(template: Pick<TaskTemplate, 'steps' | 'signals'>): Set<string> {
  const names = new Set(template.signals ?? []);
  for (const step of template.steps) if (step.type === 'signal' && step.signal !== undefined) names.add(step.signal);
  return names;
}
