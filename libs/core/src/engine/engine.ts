import { randomUUID } from 'node:crypto';
import { createActor, type AnyActorRef, type InspectionEvent, type Observer, type Snapshot } from 'xstate';
import type { EventPattern } from '../domain/events.js';
import type { JsonValue } from '../domain/json.js';
import type { TaskRecord } from '../domain/records.js';
import { isTaskTerminal } from '../domain/states.js';
import { templateKey, type TaskTemplate } from '../domain/template.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import { InvalidTransitionError } from '../errors/invalid-transition-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { TaskerError } from '../errors/tasker-error.js';
import { TemplateValidationError } from '../errors/template-validation-error.js';
import { HandlerRegistry, type HandlerRegistration } from '../handlers/handler-registry.js';
import type { MachineEnvironment } from '../machines/machine-environment.js';
import { MACHINE_VERSION } from '../machines/machine-version.js';
import { createStepMachine } from '../machines/step.machine.js';
import { createTaskMachine, type TaskMachine, type TaskMachineEvent } from '../machines/task.machine.js';
import type { TaskFilter, TaskStore, TaskWrite } from '../store/task-store.js';
import { WriteQueue } from '../store/write-queue.js';
import { TemplateRegistry } from '../templates/template-registry.js';
import { validateTemplate } from '../templates/validate-template.js';
import type { VersionResolver } from '../templates/version-resolver.js';
import { ActiveTask } from './active-task.js';
import { createAttemptLogic } from './attempt-logic.js';
import type { Clock } from './clock.js';
import type {
  ActionOptions,
  EngineDefaults,
  RunTaskRequest,
  RunTaskResult,
  TaskHistory,
  TaskSummary,
  TaskView,
} from './engine-types.js';
import { EventBus, type EventListener } from './event-bus.js';
import { eventsFromWrite } from './events-from-write.js';
import type { Logger } from './logger.js';
import { checkRequest, planTask } from './plan-task.js';
import type { StartTrace } from './start-trace.js';
import { annotateOutcome, needsAnnotations } from './annotate-outcome.js';
import { toTaskView } from './task-view.js';

/** What an engine is built from. */
export interface EngineSettings {
  store: TaskStore;
  clock: Clock;
  concurrency: number;
  defaults: EngineDefaults;
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  logger: Logger;
  random: () => number;
  resolveVersion?: VersionResolver;
  stopGracePeriodMs: number;
  startTrace?: StartTrace;
}

/** How a stored task is brought into memory: started fresh, resumed from its snapshot, or just loaded. */
type Activation = 'start' | 'resume' | 'load';

/**
 * The object a service embeds: it registers templates and handlers, accepts task requests, runs tasks as XState
 * actors (one root actor per task, a child actor per running step), answers queries and emits events.
 * Create it with `createEngine`.
 */
export class Engine {
  readonly store: TaskStore;
  readonly handlers = new HandlerRegistry();
  readonly templates: TemplateRegistry;
  readonly #settings: EngineSettings;
  readonly #logger: Logger;
  readonly #events: EventBus;
  readonly #queue: WriteQueue;
  readonly #machine: TaskMachine;
  readonly #active = new Map<string, ActiveTask>();
  readonly #loading = new Map<string, Promise<ActiveTask | undefined>>();
  readonly #waitingForSlot: string[] = [];
  #started = false;
  #stopping = false;
  #runningAttempts = 0;
  #attemptsIdle: Array<() => void> = [];
  #writesInFlight = 0;
  #writesSettled: Array<() => void> = [];

  constructor(settings: EngineSettings) {
    this.#settings = settings;
    this.store = settings.store;
    this.#logger = settings.logger;
    this.templates = new TemplateRegistry(settings.resolveVersion);
    this.#events = new EventBus(settings.logger);
    this.#queue = new WriteQueue(settings.store, settings.logger);
    const environment: MachineEnvironment = {
      now: () => settings.clock.now(),
      random: settings.random,
      record: (write, waiting) => this.#record(write, waiting),
      definition: (taskId) => this.#active.get(taskId)!,
      attempt: createAttemptLogic({
        activeTask: (taskId) => this.#active.get(taskId),
        stepHandler: (name) => this.handlers.stepHandler(name),
        logger: settings.logger,
        attemptStarted: () => this.#runningAttempts++,
        attemptEnded: () => {
          if (--this.#runningAttempts === 0) for (const resolve of this.#attemptsIdle.splice(0)) resolve();
        },
      }),
    };
    this.#machine = createTaskMachine(environment, createStepMachine(environment));
  }

  /**
   * Registers a step handler (a `StepHandler` class or instance, or a function) or a task handler under the name
   * templates use. Register handlers before the templates that name them.
   */
  registerHandler(name: string, handler: HandlerRegistration): this {
    this.handlers.register(name, handler);
    return this;
  }

  /**
   * Registers a template after checking it: known handlers, known dependencies, no cycle, valid settings.
   * @throws TemplateValidationError listing every problem; TaskerError `DUPLICATE_TEMPLATE`.
   */
  registerTemplate(template: TaskTemplate): this {
    const problems = validateTemplate(template, this.handlers);
    if (problems.length > 0) throw new TemplateValidationError(templateKey(template), problems);
    this.templates.add(template);
    return this;
  }

  /** Subscribes to events: an event name, `'task.*'`, `'step.*'` or `'*'`. Returns the unsubscribe function. */
  on(pattern: EventPattern, listener: EventListener): () => void {
    return this.#events.on(pattern, listener);
  }

  /**
   * Stores a new task (all its steps, in one write) and, when this engine is started, runs it. Nothing is stored
   * for a request that is refused.
   * @throws InvalidRequestError, NotFoundError `TEMPLATE_NOT_FOUND`, ContextValidationError
   */
  async runTask(request: RunTaskRequest): Promise<RunTaskResult> {
    checkRequest(request);
    const template = this.templates.resolve(request.namespace, request.name, request.version);
    const taskHandler =
      template.taskHandler === undefined ? undefined : this.handlers.taskHandler(template.taskHandler);
    const plan = await planTask(request, template, {
      id: randomUUID(),
      correlationId: request.correlationId ?? randomUUID(),
      now: this.#settings.clock.now(),
      defaults: this.#settings.defaults,
      ...(taskHandler ? { taskHandler } : {}),
    });
    if (this.#settings.startTrace) this.#startTrace(plan.task, this.#settings.startTrace);
    const { task, created } = await this.#queue.create(plan.task, plan.steps);
    if (created && this.#started && !this.#stopping) {
      if (this.#hasFreeSlot()) this.#activate(new ActiveTask(task, plan.steps), 'start');
      else this.#waitingForSlot.push(task.id);
    }
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
   * Resolves with the task once it is `completed`, `failed`, `cancelled` or `resolved_manually`.
   * @throws TaskerError `WAIT_TIMEOUT` after `timeoutMs`; NotFoundError `TASK_NOT_FOUND`.
   */
  async waitForTask(taskId: string, options: { timeoutMs?: number } = {}): Promise<TaskView> {
    let unsubscribe = () => {};
    let timer: NodeJS.Timeout | undefined;
    const settled = new Promise<void>((resolve, reject) => {
      unsubscribe = this.#events.on('task.*', (event) => {
        if (event.taskId === taskId && isTaskTerminal(event.to as never)) resolve();
      });
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
    }
  }

  /** The task with its steps and annotations. @throws NotFoundError `TASK_NOT_FOUND` */
  async getTask(taskId: string): Promise<TaskView> {
    const [task, steps, annotations] = await Promise.all([
      this.store.getTask(taskId),
      this.store.getSteps(taskId),
      this.store.getAnnotations(taskId),
    ]);
    if (!task) throw new NotFoundError('TASK_NOT_FOUND', `No task ${taskId}`);
    return toTaskView(task, steps, annotations);
  }

  /** Every transition of the task and its steps, oldest first. @throws NotFoundError `TASK_NOT_FOUND` */
  async getHistory(taskId: string): Promise<TaskHistory> {
    await this.#requireTask(taskId);
    return this.store.getTransitions(taskId);
  }

  /** Tasks matching `filter`, newest first, a page at a time. */
  async listTasks(filter: TaskFilter = {}): Promise<{ tasks: TaskSummary[]; nextCursor?: string }> {
    const page = await this.store.listTasks(filter);
    return {
      tasks: page.tasks.map((task) => {
        const { steps: _steps, annotations: _annotations, ...summary } = toTaskView(task, [], []);
        return summary;
      }),
      ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
    };
  }

  /**
   * Runs a failed task again: completed steps are kept, failed ones get a fresh retry budget.
   * @throws InvalidTransitionError unless the task is `failed`.
   */
  async retryTask(taskId: string, options: ActionOptions = {}): Promise<void> {
    const task = await this.#requireTask(taskId);
    if (task.state !== 'failed')
      throw new InvalidTransitionError(`Task ${taskId} is ${task.state}; only a failed task can be retried`);
    await this.#act(taskId, { type: 'RETRY', ...options }, (write) => write.task?.state === 'in_progress');
  }

  /**
   * Cancels a task: running handlers are aborted, pending steps cancelled.
   * @throws InvalidTransitionError when the task is `completed`, `cancelled` or `resolved_manually`.
   */
  async cancelTask(taskId: string, options: ActionOptions = {}): Promise<void> {
    const task = await this.#requireTask(taskId);
    if (isTaskTerminal(task.state) && task.state !== 'failed') {
      throw new InvalidTransitionError(`Task ${taskId} is ${task.state} and cannot be cancelled`);
    }
    await this.#act(taskId, { type: 'CANCEL', ...options }, (write) => write.task?.state === 'cancelled');
  }

  /**
   * Resolves a step by hand with `results`, which its dependants then read; the task goes on (a failed task runs
   * again). Allowed for a step that is `pending`, `waiting_for_retry` or `failed`.
   * @throws InvalidTransitionError, NotFoundError `STEP_NOT_FOUND`
   */
  async resolveStep(taskId: string, stepName: string, results: JsonValue, options: ActionOptions = {}): Promise<void> {
    const task = await this.#requireTask(taskId);
    const step = (await this.store.getSteps(taskId)).find((candidate) => candidate.name === stepName);
    if (!step) throw new NotFoundError('STEP_NOT_FOUND', `Task ${taskId} has no step '${stepName}'`);
    if (task.state !== 'in_progress' && task.state !== 'failed') {
      throw new InvalidTransitionError(`Task ${taskId} is ${task.state}; its steps cannot be resolved`);
    }
    if (!['pending', 'waiting_for_retry', 'failed'].includes(step.state)) {
      throw new InvalidTransitionError(
        `Step '${stepName}' is ${step.state}; only a pending, waiting or failed step can be resolved`,
      );
    }
    if (results === undefined) throw new InvalidRequestError('results', 'must be JSON');
    await this.#act(
      taskId,
      { type: 'RESOLVE_STEP', stepName, results, ...options },
      (write) => write.steps?.some((patch) => patch.name === stepName && patch.state === 'resolved_manually') ?? false,
    );
  }

  /** Resumes every unfinished task of the store (up to `concurrency` at once) and runs new ones from now on. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#stopping = false;
    this.#waitingForSlot.push(...(await this.store.listUnfinishedTaskIds()).filter((id) => !this.#active.has(id)));
    this.#fillSlots();
  }

  /**
   * Stops gracefully: no new step starts, running handlers get `gracePeriodMs` to finish, their outcomes are
   * committed, then the actors stop. Whatever still runs after the grace period is resumed by the next engine.
   */
  async stop(options: { gracePeriodMs?: number } = {}): Promise<void> {
    this.#stopping = true;
    this.#started = false;
    this.#waitingForSlot.length = 0;
    for (const task of this.#active.values()) task.actor.send({ type: 'PAUSE' });
    const gracePeriodMs = options.gracePeriodMs ?? this.#settings.stopGracePeriodMs;
    if (this.#runningAttempts > 0 && gracePeriodMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.#attemptsIdle.push(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, gracePeriodMs))),
      ]);
      clearTimeout(timer);
    }
    await this.#settleWrites();
    for (const task of this.#active.values()) task.actor.stop();
    this.#active.clear();
  }

  /** Waits until no write is being prepared, queued or committed, including writes that commits set off. */
  async #settleWrites(): Promise<void> {
    while (this.#writesInFlight > 0) await new Promise<void>((resolve) => this.#writesSettled.push(resolve));
  }

  #hasFreeSlot(): boolean {
    return this.#active.size + this.#loading.size < this.#settings.concurrency;
  }

  #fillSlots(): void {
    while (this.#started && !this.#stopping && this.#hasFreeSlot() && this.#waitingForSlot.length > 0) {
      const taskId = this.#waitingForSlot.shift()!;
      if (!this.#active.has(taskId)) void this.#load(taskId, 'resume');
    }
  }

  async #requireTask(taskId: string) {
    const task = await this.store.getTask(taskId);
    if (!task) throw new NotFoundError('TASK_NOT_FOUND', `No task ${taskId}`);
    return task;
  }

  /** Sends an operator's event to the task's actor (loading it first) and waits until its effect is durable. */
  async #act(taskId: string, event: TaskMachineEvent, isEffect: (write: TaskWrite) => boolean): Promise<void> {
    const task = this.#active.get(taskId) ?? (await this.#load(taskId, 'load'));
    if (!task) throw new InvalidTransitionError(`Task ${taskId} cannot be loaded to act on it`);
    if (!task.accepts(event)) throw new InvalidTransitionError(`Task ${taskId} cannot take ${event.type} now`);
    await new Promise<void>((resolve) => {
      task.awaitWrite(isEffect, resolve);
      task.actor.send(event);
    });
  }

  /** Loads a stored task and activates it; resolves with `undefined` when it is finished or unreadable. */
  #load(taskId: string, activation: Activation): Promise<ActiveTask | undefined> {
    const loading = this.#loading.get(taskId);
    if (loading) return loading;
    const load = (async () => {
      const [task, steps, snapshot] = await Promise.all([
        this.store.getTask(taskId),
        this.store.getSteps(taskId),
        this.store.getSnapshot(taskId),
      ]);
      if (!task || (activation === 'resume' && isTaskTerminal(task.state))) return undefined;
      if (snapshot && snapshot.machineVersion !== MACHINE_VERSION) {
        throw new TaskerError(
          'SNAPSHOT_VERSION_MISMATCH',
          `Task ${taskId} was saved by machines of version ${snapshot.machineVersion}; this engine runs version ${MACHINE_VERSION}`,
        );
      }
      const active = new ActiveTask(task, steps);
      if (snapshot) this.#activate(active, activation === 'load' ? 'resume' : activation, snapshot.state);
      else this.#activate(active, activation === 'resume' ? 'start' : 'load');
      return active;
    })()
      .catch((error: unknown) => {
        this.#logger.error({ err: error, taskId }, 'task could not be loaded');
        return undefined;
      })
      .finally(() => {
        this.#loading.delete(taskId);
        this.#fillSlots();
      });
    this.#loading.set(taskId, load);
    return load;
  }

  #activate(task: ActiveTask, activation: Activation, snapshot?: unknown): void {
    const { clock, inspect } = this.#settings;
    // With a snapshot, XState restores the actor (children included) and ignores the input.
    task.actor = createActor(this.#machine, {
      input: task.input,
      clock,
      ...(inspect ? { inspect } : {}),
      ...(snapshot === undefined ? {} : { snapshot: snapshot as Snapshot<unknown> }),
    });
    task.actor.subscribe({
      error: (error) => this.#logger.error({ err: error, taskId: task.info.taskId }, 'task actor failed'),
    });
    this.#active.set(task.info.taskId, task);
    task.actor.start();
    if (activation === 'start') task.actor.send({ type: 'START' });
    if (activation === 'resume') task.actor.send({ type: 'RESUME' });
  }

  #record(write: TaskWrite, waiting: AnyActorRef | undefined): void {
    const task = this.#active.get(write.taskId);
    if (!task) return;
    this.#writesInFlight++;
    if (!needsAnnotations(task, write)) this.#enqueue(task, write, waiting);
    else {
      void annotateOutcome(task, write, this.handlers, this.#logger).then((annotated) =>
        this.#enqueue(task, annotated, waiting),
      );
    }
  }

  #enqueue(task: ActiveTask, write: TaskWrite, waiting: AnyActorRef | undefined): void {
    this.#queue.enqueue(write, task.snapshot, () => this.#committed(task, write, waiting));
  }

  /** After a write is durable: its events, the waiting actor's COMMITTED, and the task's release once it is over. */
  #committed(task: ActiveTask, write: TaskWrite, waiting: AnyActorRef | undefined): void {
    if (write.task?.startedAt !== undefined) task.info.startedAt = write.task.startedAt;
    for (const event of eventsFromWrite(task.info, write, (type) => this.#events.wants(type))) this.#events.emit(event);
    waiting?.send({ type: 'COMMITTED' });
    task.wroteDurably(write);
    const state = write.task?.state;
    if (state !== undefined && isTaskTerminal(state)) this.#deactivate(task);
    if (--this.#writesInFlight === 0) for (const resolve of this.#writesSettled.splice(0)) resolve();
  }

  #deactivate(task: ActiveTask): void {
    task.actor.stop();
    this.#active.delete(task.info.taskId);
    this.#fillSlots();
  }

  /** Tasks loaded in memory right now. */
  get activeTaskCount(): number {
    return this.#active.size;
  }

  /** Unfinished tasks this engine has found or been given that wait for a free slot (see `concurrency`). */
  get waitingTaskCount(): number {
    return this.#waitingForSlot.length;
  }
}
