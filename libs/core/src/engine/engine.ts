import { randomUUID } from 'node:crypto';
import { checkJson, checkString } from '../domain/check-json.js';
import type { EventOf, EventPattern } from '../domain/events.js';
import type { JsonValue } from '../domain/json.js';
import type { TaskRecord } from '../domain/records.js';
import { isTaskTerminal } from '../domain/states.js';
import { declaredSignals, templateKey, type TaskTemplate } from '../domain/template.js';
import { SignalValidationError } from '../errors/signal-validation-error.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import { ContextValidationError } from '../errors/context-validation-error.js';
import { cloneValue } from '../domain/copy-json.js';
import { InvalidTransitionError } from '../errors/invalid-transition-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { TaskerError } from '../errors/tasker-error.js';
import { TemplateValidationError } from '../errors/template-validation-error.js';
import {
  HandlerRegistry,
  type CompensationRegistration,
  type HandlerRegistration,
} from '../handlers/handler-registry.js';
import type { WorkerLeases } from '../store/leases.js';
import type { ActivityFilter, TaskActivity } from '../store/task-activity.js';
import type { StepFigures, TaskFigures } from '../store/task-analytics.js';
import type { StepItemPage, StepItemRecord, TaskFilter, TaskStore } from '../store/task-store.js';
import type { WriteHealth } from '../store/write-health.js';
import { createCatalog, type Catalog } from '../templates/catalog.js';
import { TemplateRegistry } from '../templates/template-registry.js';
import { validateTemplate } from '../templates/validate-template.js';
import type {
  ActionOptions,
  RunTaskRequest,
  RunTaskResult,
  SignalResult,
  TaskHistory,
  TaskSummary,
  TaskView,
} from './engine-types.js';
import { EngineLifecycle } from './engine-lifecycle.js';
import type { EngineSettings } from './engine-settings.js';
import { EventBus, type EventListener } from './event-bus.js';
import { EventFeed } from './event-feed.js';
import { EventLogRetention } from './event-log-retention.js';
import { purgeRun, type PurgeRequest } from '../retention/purge-request.js';
import { RetentionWorker } from '../retention/retention-worker.js';
import { purgeFinishedTasks, type PurgeReport } from '../retention/task-purger.js';
import { DurableSubscriber } from './durable-subscriber.js';
import { subscriberSettings, type EventSubscriberOptions } from './subscriber-options.js';
import type { WebhookDelivery, WebhookDeliveryQuery } from '../store/webhook-delivery-log.js';
import { webhookSubscriber } from '../webhooks/webhook-subscriber.js';
import { checkRequest, planTask } from './plan-task.js';
import { parseRunAt } from './parse-run-at.js';
import type { StartTrace } from '../ports/start-trace.js';
import { TaskRuntime } from './task-runtime.js';
import { toTaskView } from './task-view.js';
import { checkScheduleShape } from '../schedules/check-schedule.js';
import { cronTimes } from '../schedules/cron-times.js';
import { NEVER_FIRES, type ScheduleDefinition, type ScheduleRecord } from '../schedules/schedule.js';
import { scheduleFireKey, Scheduler } from '../schedules/scheduler.js';

export type { EngineSettings } from './engine-settings.js';

/** How long stopping waits for a schedule scan under way: a store that does not answer must not hold the stop. */
const SCHEDULER_STOP_ALLOWANCE_MS = 2_000;

/** Refuses an operator's `by` or `reason` that is not a string every store can keep, before anything is read. */
function checkActionOptions(options: ActionOptions): void {
  for (const field of ['by', 'reason'] as const) {
    const value: unknown = options[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new InvalidRequestError(field, 'must be a string');
    checkString(field, value);
  }
}

/**
 * The object a service embeds: it registers templates and handlers, accepts task requests, runs tasks as XState
 * actors (one root actor per task, a child actor per running step), answers queries and emits events.
 * Create it with `createEngine`.
 *
 * Several engines (processes) may share one store: each runs only the tasks it holds a lease on, claims more while
 * it has free slots, and gives up a task whose lease another worker took (see `LeaseKeeper`).
 */
export class Engine {
  /**
   * What this engine can run, read-only: its templates and handlers, for the REST API and template loaders.
   * Register through {@link registerTemplate} and {@link registerHandler}.
   */
  readonly catalog: Catalog;
  /**
   * The events of every worker sharing this engine's store, read from the store's event log: `read` a page,
   * `follow` them as they come (docs/ENGINE.md, _The event log_). `on` hears only this process's.
   */
  readonly events: EventFeed;
  readonly #store: TaskStore;
  readonly #handlers = new HandlerRegistry();
  readonly #templates: TemplateRegistry;
  readonly #settings: EngineSettings;
  readonly #events: EventBus;
  readonly #lifecycle = new EngineLifecycle();
  readonly #runtime: TaskRuntime;
  readonly #retention: EventLogRetention | undefined;
  /** Purges finished tasks while the engine runs, when `retention` is set. */
  readonly #taskRetention: RetentionWorker | undefined;
  /** Durable subscribers by name, webhooks included: they run while the engine runs. */
  readonly #subscribers = new Map<string, DurableSubscriber>();
  readonly #scheduler: Scheduler;
  /** The stop under way, which a second `stop()` waits for (and a `start()`, before starting again). */
  #stopping: Promise<void> | undefined;

  constructor(settings: EngineSettings) {
    this.#settings = settings;
    this.#store = settings.store;
    this.#templates = new TemplateRegistry(settings.resolveVersion);
    this.catalog = createCatalog(this.#templates, this.#handlers);
    this.#events = new EventBus(settings.logger);
    this.#runtime = new TaskRuntime(settings, this.#lifecycle, this.#events, this.#handlers, this.#templates);
    const { eventLog } = settings;
    this.#retention = eventLog
      ? new EventLogRetention(settings.store, eventLog, settings.clock, settings.logger)
      : undefined;
    this.#taskRetention = settings.retention
      ? new RetentionWorker(
          settings.store,
          settings.lease,
          settings.clock,
          settings.logger,
          settings.retention.intervalMs,
          (keepGoing) => this.#purge({}, keepGoing),
        )
      : undefined;
    this.#scheduler = new Scheduler({
      store: settings.store,
      clock: settings.clock,
      logger: settings.logger,
      pollIntervalMs: settings.lease.pollIntervalMs,
      fire: (schedule, scheduledFor) => {
        const { namespace, name, version, context } = schedule.task;
        const request = {
          namespace,
          name,
          ...(version === undefined ? {} : { version }),
          context,
          idempotencyKey: scheduleFireKey(schedule.id, scheduledFor),
          initiator: 'schedule',
          reason: `schedule ${schedule.id} for ${new Date(scheduledFor).toISOString()}`,
        };
        return this.#runTask(request, { scheduleId: schedule.id, scheduledFor });
      },
    });
    this.events = new EventFeed(
      settings.store,
      settings.lease.pollIntervalMs,
      async () => this.#retention?.purge() ?? 0,
    );
    settings.webhooks.forEach((webhook, index) =>
      this.#addSubscriber(
        subscriberSettings(
          webhookSubscriber(webhook, settings.store, settings.clock, settings.logger),
          `webhooks[${index}]`,
        ),
      ),
    );
  }

  /** This engine's name in the leases it holds. */
  get workerId(): string {
    return this.#runtime.workerId;
  }

  /**
   * Registers a step handler (a `StepHandler` class or instance, or a function), a compensation handler (a
   * `CompensationHandler` class or instance, or a function) or a task handler under the name templates use. A plain
   * function may serve as a step's handler or as its compensation. Register handlers before the templates that name
   * them. A compensation written as a function names its parameter's type, `async (ctx: CompensationContext) => …`:
   * an unannotated `ctx` is taken for a step's.
   */
  registerHandler(name: string, handler: HandlerRegistration): this;
  registerHandler(name: string, handler: CompensationRegistration): this;
  registerHandler(name: string, handler: HandlerRegistration | CompensationRegistration): this {
    this.#handlers.register(name, handler);
    return this;
  }

  /**
   * Registers a template after checking it: known handlers, known dependencies, no cycle, valid settings.
   * @throws TemplateValidationError listing every problem; TaskerError `DUPLICATE_TEMPLATE`.
   */
  registerTemplate(template: TaskTemplate): this {
    const problems = validateTemplate(template, this.#handlers);
    if (problems.length > 0) throw new TemplateValidationError(templateKey(template), problems);
    this.#templates.add(template);
    return this;
  }

  /**
   * Registers a durable subscriber: a named handler that gets every event of the store's log matching its filters,
   * at least once and in log order (so in order per task), across restarts and workers. Its position (the last event
   * it handled) is kept in the store under its name, and a store-wide hold on the name makes one worker at a time
   * deliver to it; another takes over when that one stops or dies (after `leaseMs`). A handler that throws gets the
   * same event again after a backoff, before any later one; other subscribers go on meanwhile. Runs while the
   * engine runs (from `start()`, or at once when it runs already) until `stop()` or the returned function.
   * @throws InvalidRequestError naming the option that is wrong, a name already subscribed on this engine, or an
   * engine created with `eventLog: false`.
   */
  subscribe(options: EventSubscriberOptions): () => Promise<void> {
    const subscriber = this.#addSubscriber(subscriberSettings(options, 'subscribe'));
    if (this.#lifecycle.takesWork) subscriber.start();
    return async () => {
      this.#subscribers.delete(subscriber.name);
      await subscriber.stop(this.#settings.stopGracePeriodMs);
    };
  }

  #addSubscriber(settings: ReturnType<typeof subscriberSettings>): DurableSubscriber {
    if (this.#settings.eventLog === false)
      throw new InvalidRequestError(
        'eventLog',
        'is false, so the store logs no event: durable subscribers and webhooks need the event log',
      );
    if (this.#subscribers.has(settings.name))
      throw new InvalidRequestError('name', `a subscriber named '${settings.name}' is registered already`);
    const subscriber = new DurableSubscriber(
      settings,
      this.#store,
      this.events,
      { workerId: this.workerId, leaseMs: this.#settings.lease.leaseMs },
      this.#settings.clock,
      this.#settings.logger,
    );
    this.#subscribers.set(settings.name, subscriber);
    return subscriber;
  }

  /**
   * The latest webhook delivery tries of every worker on the store, newest first, one entry per try (outcome, HTTP
   * status, attempt, error): the delivery log (see docs/ENGINE.md, _Webhooks_).
   * @throws InvalidRequestError when `limit` is not a whole number from 1 to 1000.
   */
  webhookDeliveries(query: WebhookDeliveryQuery = {}): Promise<WebhookDelivery[]> {
    const { limit = 100 } = query;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1_000)
      throw new InvalidRequestError('limit', 'must be a whole number from 1 to 1000');
    return this.#store.listWebhookDeliveries({ ...query, limit });
  }

  /**
   * Subscribes to events: an event name, `'task.*'`, `'step.*'` or `'*'`; the listener gets the events of that
   * pattern (`on('step.failed', …)` a `StepEvent<'step.failed'>`). Returns the unsubscribe function.
   */
  on<P extends EventPattern>(pattern: P, listener: EventListener<EventOf<P>>): () => void {
    return this.#events.on(pattern, listener);
  }

  /**
   * Stores a new task (all its steps, in one write) and, when this engine is started, runs it. Nothing is stored
   * for a request that is refused.
   * @throws InvalidRequestError, NotFoundError `TEMPLATE_NOT_FOUND`, ContextValidationError
   */
  async runTask(request: RunTaskRequest): Promise<RunTaskResult> {
    return this.#runTask(request);
  }

  /** Runs a task as `runTask` does; a schedule's fire passes which schedule and fire time it is for. */
  async #runTask(
    request: RunTaskRequest,
    scheduled?: { scheduleId: string; scheduledFor: number },
  ): Promise<RunTaskResult> {
    checkRequest(request, this.#settings.limits);
    const runAt = request.runAt === undefined ? undefined : parseRunAt(request.runAt);
    const template = this.#templates.resolve(request.namespace, request.name, request.version);
    const taskHandler =
      template.taskHandler === undefined ? undefined : this.#handlers.taskHandler(template.taskHandler);
    const plan = await planTask(request, template, {
      id: randomUUID(),
      correlationId: request.correlationId ?? randomUUID(),
      now: this.#settings.clock.now(),
      defaults: this.#settings.defaults,
      ...(taskHandler ? { taskHandler } : {}),
      ...(runAt === undefined ? {} : { runAt }),
      ...(scheduled ? { scheduled } : {}),
    });
    if (this.#settings.startTrace) this.#startTrace(plan.task, this.#settings.startTrace);
    const { task, created } = await this.#runtime.create(plan.task, plan.steps);
    return { taskId: task.id, correlationId: task.correlationId, state: task.state, created };
  }

  #startTrace(task: TaskRecord, startTrace: StartTrace): void {
    const { id: taskId, namespace, name, version, correlationId, traceContext } = task;
    const chosen = startTrace({
      taskId,
      namespace,
      name,
      version,
      correlationId,
      ...(traceContext === undefined ? {} : { traceContext }),
    });
    if (chosen === undefined) delete task.traceContext;
    else task.traceContext = chosen;
  }

  /**
   * Resolves with the task once it is `completed`, `failed`, `cancelled` or `resolved_manually`, whichever worker
   * runs it: this engine's events tell at once, the store every `pollIntervalMs` otherwise.
   * @throws TaskerError `WAIT_TIMEOUT` after `timeoutMs`; NotFoundError `TASK_NOT_FOUND`.
   */
  async waitForTask(taskId: string, options: { timeoutMs?: number } = {}): Promise<TaskView> {
    let unsubscribe = () => {};
    let timer: NodeJS.Timeout | undefined;
    let poll: NodeJS.Timeout | undefined;
    const settled = new Promise<void>((resolve, reject) => {
      unsubscribe = this.#events.on('task.*', (event) => {
        if (event.taskId === taskId && isTaskTerminal(event.to as never)) resolve();
      });
      // Another worker may run the task, and its events stay in its process: the store tells too.
      poll = setInterval(() => {
        void this.#store.getTask(taskId).then(
          (task) => task && isTaskTerminal(task.state) && resolve(),
          () => undefined,
        );
      }, this.#settings.lease.pollIntervalMs);
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(
          () => reject(new TaskerError('WAIT_TIMEOUT', `Task ${taskId} did not finish within ${options.timeoutMs} ms`)),
          options.timeoutMs,
        );
      }
    });
    try {
      const task = await this.getTask(taskId);
      if (!isTaskTerminal(task.state)) await settled;
      return isTaskTerminal(task.state) ? task : await this.getTask(taskId);
    } finally {
      unsubscribe();
      clearTimeout(timer);
      clearInterval(poll);
    }
  }

  /** The task with its steps and annotations. @throws NotFoundError `TASK_NOT_FOUND` */
  async getTask(taskId: string): Promise<TaskView> {
    const [task, steps, annotations] = await Promise.all([
      this.#store.getTask(taskId),
      this.#store.getSteps(taskId),
      this.#store.getAnnotations(taskId),
    ]);
    if (!task) throw new NotFoundError('TASK_NOT_FOUND', `No task ${taskId}`);
    const mapSteps = steps.filter((step) => step.settings.map);
    const counts = await Promise.all(mapSteps.map((step) => this.#store.countStepItems(taskId, step.name)));
    return toTaskView(task, steps, annotations, new Map(mapSteps.map((step, index) => [step.name, counts[index]!])));
  }

  /**
   * The items of map step `stepName` that have started, in index order, `page.limit` (at most 1,000; 100 when
   * absent) from `page.offset`.
   * @throws NotFoundError `TASK_NOT_FOUND`, `STEP_NOT_FOUND` (also for a step that is no map step);
   *   InvalidRequestError for a page that is not whole numbers in range.
   */
  async getStepItems(taskId: string, stepName: string, page: StepItemPage = {}): Promise<StepItemRecord[]> {
    const offset = page.offset ?? 0;
    const limit = page.limit ?? 100;
    if (!Number.isInteger(offset) || offset < 0)
      throw new InvalidRequestError('offset', 'must be a whole number, 0 or more');
    if (!Number.isInteger(limit) || limit < 1 || limit > 1_000) {
      throw new InvalidRequestError('limit', 'must be a whole number from 1 to 1000');
    }
    const steps = await this.#store.getSteps(taskId);
    if (steps.length === 0 && !(await this.#store.getTask(taskId))) {
      throw new NotFoundError('TASK_NOT_FOUND', `No task ${taskId}`);
    }
    if (!steps.some((step) => step.name === stepName && step.settings.map)) {
      throw new NotFoundError('STEP_NOT_FOUND', `Task ${taskId} has no map step '${stepName}'`);
    }
    return this.#store.getStepItems(taskId, stepName, { offset, limit });
  }

  /** Every transition of the task and its steps, oldest first. @throws NotFoundError `TASK_NOT_FOUND` */
  async getHistory(taskId: string): Promise<TaskHistory> {
    await this.#requireTask(taskId);
    return this.#store.getTransitions(taskId);
  }

  /** Tasks matching `filter`, newest first, a page at a time. */
  async listTasks(filter: TaskFilter = {}): Promise<{ tasks: TaskSummary[]; nextCursor?: string }> {
    const page = await this.#store.listTasks(filter);
    return {
      tasks: page.tasks.map((task) => {
        const { steps: _steps, annotations: _annotations, ...summary } = toTaskView(task, [], []);
        return summary;
      }),
      ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
    };
  }

  /**
   * Every task created in the filter's window, oldest first, with its steps and failed attempts. Reads every row of
   * the window: for counts and percentiles use {@link taskFigures} and {@link stepFigures}, which the store computes.
   */
  listActivity(filter: ActivityFilter): Promise<TaskActivity[]> {
    return this.#store.listActivity(filter);
  }

  /**
   * Counts by namespace and state, and completed durations, of the tasks created in the filter's window, computed
   * by the store: what performance analytics and status pages answer from.
   */
  taskFigures(filter: ActivityFilter): Promise<TaskFigures> {
    return this.#store.taskFigures(filter);
  }

  /** Per-step and per-template figures of the tasks created in the filter's window, computed by the store. */
  stepFigures(filter: ActivityFilter): Promise<StepFigures> {
    return this.#store.stepFigures(filter);
  }

  /**
   * Runs a failed task again: completed steps are kept, failed ones get a fresh retry budget. A task whose
   * compensation failed runs only its failed compensations again. A task that failed or was cancelled and then
   * compensated starts over (every step not completed, with a fresh budget) only when its template says
   * `retryAfterCompensation: true`.
   * @throws InvalidTransitionError unless the task can be retried, saying why.
   */
  async retryTask(taskId: string, options: ActionOptions = {}): Promise<void> {
    checkActionOptions(options);
    const task = await this.#requireTask(taskId);
    if (task.state === 'failed' || task.state === 'cancelled') {
      const compensated = (await this.#store.getSteps(taskId)).some((step) => step.state === 'compensated');
      if (compensated && !this.#templates.resolve(task.namespace, task.name, task.version).retryAfterCompensation) {
        throw new InvalidTransitionError(
          `Task ${taskId} is ${task.state} and its steps were compensated; its template ${task.namespace}/${task.name}@${task.version} does not allow a retry after compensation (retryAfterCompensation)`,
        );
      }
      if (!compensated && task.state === 'cancelled')
        throw new InvalidTransitionError(`Task ${taskId} is cancelled; only a failed task can be retried`);
    } else if (task.state !== 'compensation_failed') {
      throw new InvalidTransitionError(
        `Task ${taskId} is ${task.state}; only a failed task can be retried (or one whose compensation failed)`,
      );
    }
    await this.#runtime.act(taskId, { type: 'RETRY', ...options });
  }

  /**
   * Cancels a task: running handlers are aborted, pending steps cancelled.
   * @throws InvalidTransitionError when the task is `completed`, `cancelled` or `resolved_manually`.
   */
  async cancelTask(taskId: string, options: ActionOptions = {}): Promise<void> {
    checkActionOptions(options);
    const task = await this.#requireTask(taskId);
    if (isTaskTerminal(task.state) && task.state !== 'failed') {
      throw new InvalidTransitionError(`Task ${taskId} is ${task.state} and cannot be cancelled`);
    }
    await this.#runtime.act(taskId, { type: 'CANCEL', ...options });
  }

  /**
   * Resolves a step by hand with `results`, which its dependants then read; the task goes on (a failed task runs
   * again). Allowed for a step that is `pending`, `waiting_for_retry`, `waiting` or `failed`; and for a step whose compensation
   * failed (in a `compensation_failed` task), which then counts as compensated by hand.
   * @throws InvalidRequestError (results that break the JSON rule, see `checkJson`), InvalidTransitionError,
   * NotFoundError `STEP_NOT_FOUND`
   */
  async resolveStep(taskId: string, stepName: string, results: JsonValue, options: ActionOptions = {}): Promise<void> {
    checkActionOptions(options);
    if (results === undefined) throw new InvalidRequestError('results', 'must be JSON');
    checkJson(results, 'results', { bytes: this.#settings.limits.resultBytes, depth: this.#settings.limits.depth });
    const task = await this.#requireTask(taskId);
    const step = (await this.#store.getSteps(taskId)).find((candidate) => candidate.name === stepName);
    if (!step) throw new NotFoundError('STEP_NOT_FOUND', `Task ${taskId} has no step '${stepName}'`);
    if (task.state === 'compensation_failed' && step.state === 'compensation_failed') {
      // The operator undid the step's work by hand: it counts as compensated.
      await this.#runtime.act(taskId, { type: 'RESOLVE_STEP', stepName, results, ...options });
      return;
    }
    if (task.state !== 'in_progress' && task.state !== 'failed') {
      throw new InvalidTransitionError(`Task ${taskId} is ${task.state}; its steps cannot be resolved`);
    }
    if (!['pending', 'waiting_for_retry', 'waiting', 'throttled', 'failed'].includes(step.state)) {
      throw new InvalidTransitionError(
        `Step '${stepName}' is ${step.state}; only a pending, waiting, throttled or failed step can be resolved`,
      );
    }
    await this.#runtime.act(taskId, { type: 'RESOLVE_STEP', stepName, results, ...options });
  }

  /**
   * Sends the signal `name` to a task, with `payload` (JSON, `null` when absent): stored durably at once, it completes
   * the signal step waiting for it (with the payload as its result) or answers the handler that waits for it with
   * `ctx.waitForSignal`, now or when one reaches it. A passivated task wakes on any worker; a task this engine runs
   * gets it at once; one another worker holds gets it when that worker lets go of it (a step of it still running).
   * @returns `delivered` when a step of a task this engine runs was waiting and woke, `stored` otherwise.
   * @throws NotFoundError `TASK_NOT_FOUND`; TaskerError `TASK_FINISHED` (the task is over), `SIGNAL_NOT_DECLARED` (no
   *   signal step of its template, nor its `signals`, names it), `SIGNAL_ALREADY_SENT` (a task takes each signal
   *   once); SignalValidationError (the payload breaks the signal step's schema); InvalidRequestError (a name or
   *   payload no store keeps).
   */
  async signal(taskId: string, name: string, payload: JsonValue = null): Promise<SignalResult> {
    if (typeof name !== 'string' || name === '') throw new InvalidRequestError('signal', 'must be a non-empty string');
    checkString('signal', name);
    checkJson(payload, 'payload', { bytes: this.#settings.limits.resultBytes, depth: this.#settings.limits.depth });
    const task = await this.#requireTask(taskId);
    if (isTaskTerminal(task.state)) {
      throw new TaskerError('TASK_FINISHED', `Task ${taskId} is ${task.state} and takes no signal`);
    }
    const template = this.#templates.resolve(task.namespace, task.name, task.version);
    if (!declaredSignals(template).has(name)) {
      throw new TaskerError(
        'SIGNAL_NOT_DECLARED',
        `Task ${taskId} (${templateKey(template)}) waits for no signal '${name}'; it declares ${[...declaredSignals(template)].map((known) => `'${known}'`).join(', ') || 'none'}`,
      );
    }
    const violations = template.validateSignal?.(name, payload) ?? [];
    if (violations.length > 0) throw new SignalValidationError(name, violations);
    const outcome = await this.#store.sendSignal({ taskId, name, payload, sentAt: this.#settings.clock.now() });
    if (outcome === 'task_not_found') throw new NotFoundError('TASK_NOT_FOUND', `No task ${taskId}`);
    if (outcome === 'task_finished') {
      throw new TaskerError('TASK_FINISHED', `Task ${taskId} finished before the signal '${name}' came`);
    }
    if (outcome === 'duplicate') {
      throw new TaskerError(
        'SIGNAL_ALREADY_SENT',
        `Task ${taskId} got a signal '${name}' already; it takes each signal once`,
      );
    }
    const delivered = this.#runtime.deliverSignal(taskId, name, payload);
    return { taskId, signal: name, outcome: delivered ? 'delivered' : 'stored' };
  }

  /**
   * Starts working: claims unfinished tasks of the store (up to `concurrency` at once; first those this worker id
   * held before a restart), runs new ones, and claims more as slots free up or the store announces work. Started
   * while stopping, it starts once the stop is done.
   * @throws TaskerError `OPERATOR_ONLY` for an engine created with `operatorOnly`.
   */
  async start(): Promise<void> {
    if (this.#settings.operatorOnly) {
      throw new TaskerError('OPERATOR_ONLY', 'This engine was created with operatorOnly: it runs no tasks');
    }
    if (this.#lifecycle.mode === 'stopping') await this.#stopping;
    if (this.#lifecycle.takesWork) return;
    this.#lifecycle.moveTo('starting');
    await this.#runtime.startClaiming();
    this.#retention?.start();
    this.#taskRetention?.start();
    for (const subscriber of this.#subscribers.values()) subscriber.start();
    this.#scheduler.start();
    // Stopped meanwhile: the stop has the last word.
    if (this.#lifecycle.mode === 'starting') this.#lifecycle.moveTo('running');
  }

  /**
   * Stops gracefully: no task is claimed and no new step starts, running handlers get `gracePeriodMs` to finish,
   * their outcomes are committed, then the actors stop and their leases are released, so that other workers take
   * the tasks over at once. Whatever still ran after the grace period counts as an interrupted attempt there.
   * Stopping always stops, a store that is down included (see `TaskRuntime.letGo`); a second call waits for the
   * first.
   */
  async stop(options: { gracePeriodMs?: number } = {}): Promise<void> {
    if (this.#lifecycle.mode === 'stopping') return this.#stopping;
    this.#lifecycle.moveTo('stopping');
    const gracePeriodMs = options.gracePeriodMs ?? this.#settings.stopGracePeriodMs;
    const letGo = this.#runtime.letGo(gracePeriodMs);
    const subscribers = [...this.#subscribers.values()].map((subscriber) => subscriber.stop(gracePeriodMs));
    const schedulerStopped = this.#scheduler.stop(Date.now() + SCHEDULER_STOP_ALLOWANCE_MS);
    const stopped = [letGo, this.#retention?.stop(), this.#taskRetention?.stop(), schedulerStopped];
    this.#stopping = Promise.all([...stopped, ...subscribers])
      .then(() => undefined)
      .finally(() => {
        this.#lifecycle.moveTo('stopped');
        this.#stopping = undefined;
      });
    return this.#stopping;
  }

  /**
   * Purges finished tasks now, in small batches (docs/ENGINE.md, _Retention and archival_): by the engine's
   * `retention` (its templates' overrides included) or, given `olderThan`, every task of `states` finished longer
   * ago; archived first when the engine's `retention.archive` or the request's `archive` says so. A dry run counts
   * and deletes nothing. Works on a stopped or `operatorOnly` engine (the `tasker purge` command); it takes no
   * store-wide hold, which only the engine's own periodic purge does: purges are idempotent.
   * @throws InvalidRequestError naming the bad field (see {@link PurgeRequest}).
   */
  purgeFinishedTasks(request: PurgeRequest = {}): Promise<PurgeReport> {
    return this.#purge(request);
  }

  async #purge(request: PurgeRequest, keepGoing?: () => Promise<boolean>): Promise<PurgeReport> {
    const { store, retention, clock } = this.#settings;
    const run = purgeRun(request, retention, this.#templates.list(), store.archivesToTable);
    return purgeFinishedTasks(store, clock, run.plan, run.settings, keepGoing);
  }

  /**
   * Creates or replaces the schedule `definition.id`: from then on, the task it names starts at every time of its
   * cron expression, once per time across all the workers sharing the store (the fired task's idempotency key is
   * derived from the schedule and the time), carrying `scheduleId` and `scheduledFor`. Any started worker fires it.
   * Scheduling again with the same cron expression and time zone keeps the schedule's place (what it has fired), so
   * every worker may declare its schedules at start.
   * @throws InvalidRequestError naming the bad field (a cron expression or time zone the parser refuses included);
   * NotFoundError `TEMPLATE_NOT_FOUND`; ContextValidationError when the task's context does not fit its template.
   */
  async schedule(definition: ScheduleDefinition): Promise<ScheduleRecord> {
    checkScheduleShape(definition, this.#settings.limits);
    const times = cronTimes(definition.cron, definition.timezone);
    const { namespace, name, version, context } = definition.task;
    const template = this.#templates.resolve(namespace, name, version);
    const violations = template.validateContext?.(context) ?? [];
    if (violations.length > 0) throw new ContextValidationError(templateKey(template), violations);
    const now = this.#settings.clock.now();
    const existing = await this.#store.getSchedule(definition.id);
    const keepsPlace = existing?.cron === definition.cron && existing.timezone === definition.timezone;
    const schedule: ScheduleRecord = {
      id: definition.id,
      cron: definition.cron,
      ...(definition.timezone === undefined ? {} : { timezone: definition.timezone }),
      task: { namespace, name, ...(version === undefined ? {} : { version }), context: cloneValue(context) },
      catchUp: definition.catchUp ?? 'none',
      overlap: definition.overlap ?? 'allow',
      nextFireAt: keepsPlace ? existing.nextFireAt : (times.after(now) ?? NEVER_FIRES),
      ...(keepsPlace && existing.lastTaskId !== undefined ? { lastTaskId: existing.lastTaskId } : {}),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await this.#store.saveSchedule(schedule);
    this.#scheduler.wake();
    return schedule;
  }

  /** Deletes a schedule: it fires no more (tasks it started run on). @throws NotFoundError `SCHEDULE_NOT_FOUND` */
  async unschedule(id: string): Promise<void> {
    if (typeof id !== 'string') throw new InvalidRequestError('id', 'must be a string');
    checkString('id', id);
    if (!(await this.#store.deleteSchedule(id))) throw new NotFoundError('SCHEDULE_NOT_FOUND', `No schedule ${id}`);
  }

  /** Every schedule of the store, by id, with when each fires next. */
  listSchedules(): Promise<ScheduleRecord[]> {
    return this.#store.listSchedules();
  }

  /** One schedule. @throws NotFoundError `SCHEDULE_NOT_FOUND` */
  async getSchedule(id: string): Promise<ScheduleRecord> {
    if (typeof id !== 'string') throw new InvalidRequestError('id', 'must be a string');
    checkString('id', id);
    const schedule = await this.#store.getSchedule(id);
    if (!schedule) throw new NotFoundError('SCHEDULE_NOT_FOUND', `No schedule ${id}`);
    return schedule;
  }

  async #requireTask(taskId: string) {
    const task = await this.#store.getTask(taskId);
    if (!task) throw new NotFoundError('TASK_NOT_FOUND', `No task ${taskId}`);
    return task;
  }

  /**
   * How this engine's writes to its store fare (see {@link WriteHealth}): whether commits are failing and since when,
   * how long the oldest write has waited, and how many tasks were lost or refused. What readiness checks read.
   */
  writeHealth(): WriteHealth {
    return this.#runtime.writes.health();
  }

  /** Tasks loaded in memory right now. */
  get activeTaskCount(): number {
    return this.#runtime.activeCount;
  }

  /** Leases this engine holds now: one per task it runs. */
  get heldLeaseCount(): number {
    return this.#runtime.activeCount;
  }

  /** Unfinished tasks of the store that wait for a worker with a free slot (due, and held by no lease). */
  countWaitingTasks(): Promise<number> {
    return this.#store.countWaiting(this.#settings.clock.now());
  }

  /** The workers that hold leases on the store's tasks now, with how many each. */
  listWorkers(): Promise<WorkerLeases[]> {
    return this.#store.listWorkers(this.#settings.clock.now());
  }
}
