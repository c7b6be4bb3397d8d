import type { JsonObject } from './json.js';

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
}

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
  /** Name of a registered step handler. */
  handler: string;
  /** Steps whose results this step needs; it starts once all of them are completed or resolved manually. */
  dependsOn?: string[];
  retryable?: boolean;
  retryLimit?: number;
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
}

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
  /** Most steps of one task that run at once; the engine's default when absent. */
  maxParallelSteps?: number;
  /** Names of the events this template's step handlers may publish with `ctx.publish` (as `custom.<name>`). */
  customEvents?: string[];
  /**
   * Whether an operator may retry a task that failed or was cancelled and then compensated: it starts over with a
   * fresh budget for every step not completed. `false` (the default) refuses such a retry.
   */
  retryAfterCompensation?: boolean;
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
