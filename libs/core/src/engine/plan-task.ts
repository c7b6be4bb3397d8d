import { checkJson, checkString, type JsonLimits } from '../domain/check-json.js';
import { cloneValue } from '../domain/copy-json.js';
import type { JsonObject } from '../domain/json.js';
import type { StepRecord, TaskRecord } from '../domain/records.js';
import type {
  CompensationSettings,
  CompensationTemplate,
  StepSettings,
  StepTemplate,
  TaskTemplate,
  WaitSettings,
} from '../domain/template.js';
import { DEFAULT_MAP_PARALLELISM, isPriority, MAX_PRIORITY, stepHandlerName, templateKey } from '../domain/template.js';
import { ContextValidationError } from '../errors/context-validation-error.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import type { AdjustableStep, TaskHandler } from '../handlers/task-handler.js';
import type { EngineDefaults, RunTaskRequest } from './engine-types.js';

const STRING_FIELDS = ['version', 'idempotencyKey', 'correlationId', 'initiator', 'sourceSystem', 'reason'] as const;

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Refuses a malformed request before anything is looked up, cloned or stored: mistyped fields, strings no store can
 * keep, a context that breaks the engine's JSON rule (`checkJson`) or its `limits`.
 */
export function checkRequest(request: RunTaskRequest, limits: JsonLimits): void {
  if (!isPlainObject(request)) throw new InvalidRequestError('request', 'must be an object');
  for (const field of ['namespace', 'name'] as const) {
    if (typeof request[field] !== 'string' || request[field] === '') {
      throw new InvalidRequestError(field, 'must be a non-empty string');
    }
  }
  if (!isPlainObject(request.context)) throw new InvalidRequestError('context', 'must be a JSON object');
  if (request.deadlineMs !== undefined && !(Number.isSafeInteger(request.deadlineMs) && request.deadlineMs > 0)) {
    throw new InvalidRequestError('deadlineMs', 'must be a positive integer (milliseconds)');
  }
  for (const field of STRING_FIELDS) {
    if (request[field] !== undefined && typeof request[field] !== 'string') {
      throw new InvalidRequestError(field, 'must be a string');
    }
  }
  if (
    request.tags !== undefined &&
    !(Array.isArray(request.tags) && request.tags.every((tag) => typeof tag === 'string'))
  ) {
    throw new InvalidRequestError('tags', 'must be an array of strings');
  }
  if (
    request.traceContext !== undefined &&
    !(isPlainObject(request.traceContext) && Object.values(request.traceContext).every((v) => typeof v === 'string'))
  ) {
    throw new InvalidRequestError('traceContext', 'must be an object of strings (W3C traceparent and tracestate)');
  }
  for (const field of ['namespace', 'name', ...STRING_FIELDS] as const) {
    const value = request[field];
    if (value !== undefined) checkString(field, value);
  }
  request.tags?.forEach((tag, index) => checkString(`tags[${index}]`, tag));
  if (
    request.bypassSteps !== undefined &&
    !(Array.isArray(request.bypassSteps) && request.bypassSteps.every((name) => typeof name === 'string'))
  ) {
    throw new InvalidRequestError('bypassSteps', 'must be an array of step names');
  }
  for (const [key, value] of Object.entries(request.traceContext ?? {})) {
    // A bad key is named by the object that holds it: the key itself cannot be shown as it is.
    checkString('traceContext', key);
    checkString(`traceContext.${key}`, value);
  }
  if (request.priority !== undefined && !isPriority(request.priority)) {
    throw new InvalidRequestError('priority', `must be a whole number from 0 to ${MAX_PRIORITY}`);
  }
  checkJson(request.context, 'context', { bytes: limits.contextBytes, depth: limits.depth });
}

/** What a sleep or signal step waits for; `undefined` for a step whose handler works. */
function waitSettings(step: StepTemplate): WaitSettings | undefined {
  if (step.type === 'sleep') {
    return {
      kind: 'sleep',
      ...(step.durationMs === undefined ? {} : { durationMs: step.durationMs }),
      ...(step.until === undefined ? {} : { until: step.until }),
    };
  }
  if (step.type === 'signal') {
    return {
      kind: 'signal',
      signal: step.signal!,
      ...(step.timeoutMs === undefined ? {} : { timeoutMs: step.timeoutMs }),
    };
  }
  return undefined;
}

/** How a step fans out or branches: a map's settings, whether it is a decision, whether it is deferred. */
function shapeSettings(step: StepTemplate): Pick<StepSettings, 'map' | 'decision' | 'deferred'> {
  return {
    ...(step.map ? { map: { over: step.map.over, maxParallel: step.map.maxParallel ?? DEFAULT_MAP_PARALLELISM } } : {}),
    ...(step.type === 'decision' ? { decision: true as const } : {}),
    ...(step.deferred === true ? { deferred: true as const } : {}),
  };
}

function adjustableSteps(template: TaskTemplate, defaults: EngineDefaults): AdjustableStep[] {
  return template.steps.map((step) => {
    // A sleep or signal step runs no user code that could hang: its `timeoutMs` is the signal's timeout, not an
    // attempt's.
    const timeoutMs = waitSettings(step) ? undefined : (step.timeoutMs ?? defaults.timeoutMs);
    return {
      name: step.name,
      handler: stepHandlerName(step),
      dependsOn: [...(step.dependsOn ?? [])],
      retryable: step.retryable ?? defaults.retryable,
      retryLimit: step.retryLimit ?? defaults.retryLimit,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      backoff: { ...defaults.backoff, ...step.backoff },
      config: cloneValue(step.config ?? {}),
    };
  });
}

function checkAdjusted(steps: AdjustableStep[], handlerName: string): void {
  steps.forEach((step, index) => {
    const at = `${handlerName}: steps[${index}] (${step.name})`;
    if (!Number.isInteger(step.retryLimit) || step.retryLimit < 0)
      throw new InvalidRequestError(`${at}.retryLimit`, 'must be a whole number, 0 or more');
    if (step.timeoutMs !== undefined && !(step.timeoutMs > 0))
      throw new InvalidRequestError(`${at}.timeoutMs`, 'must be positive');
  });
}

/** Refuses a bypass of a step the template does not have or does not mark `skippable`, naming it. */
function checkBypass(bypassSteps: readonly string[], template: TaskTemplate): void {
  bypassSteps.forEach((name, index) => {
    const step = template.steps.find((candidate) => candidate.name === name);
    if (!step) {
      throw new InvalidRequestError(`bypassSteps[${index}]`, `'${name}' is not a step of ${templateKey(template)}`);
    }
    if (step.skippable !== true) {
      throw new InvalidRequestError(
        `bypassSteps[${index}]`,
        `step '${name}' is not skippable, so it cannot be bypassed`,
      );
    }
  });
}

/** A step's compensation with the engine's step defaults for the settings it leaves out. */
function compensationSettings(
  compensate: CompensationTemplate | undefined,
  defaults: EngineDefaults,
): CompensationSettings | undefined {
  if (!compensate) return undefined;
  const timeoutMs = compensate.timeoutMs ?? defaults.timeoutMs;
  return {
    handler: compensate.handler,
    retryable: compensate.retryable ?? defaults.retryable,
    retryLimit: compensate.retryLimit ?? defaults.retryLimit,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    backoff: { ...defaults.backoff, ...compensate.backoff },
  };
}

/** Everything needed to create a task: its row and its step rows, with the task handler's adjustments applied. */
export interface TaskPlan {
  task: TaskRecord;
  steps: StepRecord[];
}

/**
 * Turns a valid request into the rows of a new task: validates the context against the template's schema,
 * applies engine defaults and the task handler's `establishStepDependenciesAndDefaults`.
 */
export async function planTask(
  request: RunTaskRequest,
  template: TaskTemplate,
  options: {
    id: string;
    correlationId: string;
    now: number;
    defaults: EngineDefaults;
    taskHandler?: TaskHandler;
    /** The request's `runAt`, parsed. */
    runAt?: number;
    /** The schedule and fire time the task is for, when a schedule fired it. */
    scheduled?: { scheduleId: string; scheduledFor: number };
  },
): Promise<TaskPlan> {
  checkBypass(request.bypassSteps ?? [], template);
  const violations = template.validateContext?.(request.context) ?? [];
  if (violations.length > 0) throw new ContextValidationError(templateKey(template), violations);
  const task: TaskRecord = {
    id: options.id,
    namespace: template.namespace,
    name: template.name,
    version: template.version,
    state: 'pending',
    context: cloneValue(request.context),
    correlationId: options.correlationId,
    tags: request.tags ?? [],
    maxParallelSteps: template.maxParallelSteps ?? options.defaults.maxParallelSteps,
    createdAt: options.now,
    updatedAt: options.now,
    ...(request.idempotencyKey === undefined ? {} : { idempotencyKey: request.idempotencyKey }),
    ...(request.initiator === undefined ? {} : { initiator: request.initiator }),
    ...(request.sourceSystem === undefined ? {} : { sourceSystem: request.sourceSystem }),
    ...(request.reason === undefined ? {} : { reason: request.reason }),
    ...(template.taskHandler === undefined ? {} : { taskHandler: template.taskHandler }),
    ...(request.traceContext === undefined ? {} : { traceContext: { ...request.traceContext } }),
    ...(options.runAt === undefined ? {} : { runAt: options.runAt }),
    ...((request.priority ?? template.priority ?? 0) === 0 ? {} : { priority: request.priority ?? template.priority }),
    ...options.scheduled,
  };
  const deadlineMs = request.deadlineMs ?? template.deadlineMs;
  // The deadline counts from when the task is due: its `runAt` when later, else now.
  if (deadlineMs !== undefined) task.deadlineAt = Math.max(options.runAt ?? options.now, options.now) + deadlineMs;
  const steps = adjustableSteps(template, options.defaults);
  const bypassed = new Set(request.bypassSteps ?? []);
  if (options.taskHandler) {
    const { id, namespace, name, version, context, correlationId, state } = task;
    await options.taskHandler.establishStepDependenciesAndDefaults(
      { id, namespace, name, version, context: cloneValue(context), correlationId, state },
      steps,
    );
    checkAdjusted(steps, template.taskHandler ?? 'task handler');
  }
  const dependentSystems = new Map(template.steps.map((step) => [step.name, step.dependentSystem]));
  const compensationOf = (stepTemplate: TaskTemplate['steps'][number]) => {
    const compensate = compensationSettings(stepTemplate.compensate, options.defaults);
    return compensate === undefined ? {} : { compensate };
  };
  const waitOf = (stepTemplate: StepTemplate) => {
    const wait = waitSettings(stepTemplate);
    return wait === undefined ? {} : { wait };
  };
  const limitsOf = ({ concurrency, rateLimit }: StepTemplate) => ({
    ...(concurrency === undefined ? {} : { concurrency: { key: concurrency.key, limit: concurrency.limit } }),
    ...(rateLimit === undefined
      ? {}
      : { rateLimit: { key: rateLimit.key, limit: rateLimit.limit, periodMs: rateLimit.periodMs } }),
  });
  return {
    task,
    steps: steps.map((step, position) => ({
      taskId: task.id,
      name: step.name,
      position,
      handler: step.handler,
      dependsOn: [...step.dependsOn],
      settings: {
        retryable: step.retryable,
        retryLimit: step.retryLimit,
        ...(step.timeoutMs === undefined ? {} : { timeoutMs: step.timeoutMs }),
        backoff: step.backoff,
        ...compensationOf(template.steps[position]!),
        ...waitOf(template.steps[position]!),
        ...limitsOf(template.steps[position]!),
        ...shapeSettings(template.steps[position]!),
      },
      config: step.config,
      ...(dependentSystems.get(step.name) === undefined ? {} : { dependentSystem: dependentSystems.get(step.name) }),
      state: bypassed.has(step.name) ? 'skipped' : 'pending',
      attempts: 0,
      budgetBase: 0,
    })),
  };
}
