import { randomUUID } from 'node:crypto';
import { createActor, type InspectionEvent, type Observer, type Snapshot } from 'xstate';
import { checkJson, checkString, type JsonLimits } from '../domain/check-json.js';
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
import type { Lease, LeaseRelease, WorkerLeases } from '../store/leases.js';
import type { TaskFilter, TaskStore, TaskWrite } from '../store/task-store.js';
import type { WriteHandle, WriteOutcome } from '../store/write-handle.js';
import { LOST, WriteQueue } from '../store/write-queue.js';
import type { WriteHealth } from '../store/write-health.js';
import { TemplateRegistry } from '../templates/template-registry.js';
import { validateTemplate } from '../templates/validate-template.js';
import type { VersionResolver } from '../templates/version-resolver.js';
import { ActiveTask } from './active-task.js';
import { createAttemptRunner } from './attempt-runner.js';
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
import { LeaseKeeper, type LeaseSettings } from './lease-keeper.js';
import { createLeaseReleaser, createTaskLoader, type LeaseReleaser, type TaskLoader } from './batched-store-calls.js';
import { eventsFromWrite, lostEvent } from './events-from-write.js';
import type { Logger } from './logger.js';
import { checkRequest, planTask } from './plan-task.js';
import type { StartTrace } from './start-trace.js';
import { annotateOutcome, needsAnnotations } from './annotate-outcome.js';
import { settledBy } from './settled-by.js';
import { toTaskView } from './task-view.js';

/** How long stopping waits on the store at least, even with a shorter grace period: a sound store commits by then. */
const STOP_STORE_ALLOWANCE_MS = 2_000;

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
  lease: LeaseSettings;
  /** A task whose next event (a retry) is at least this far away is saved and dropped from memory until then. */
  passivateAfterMs: number;
  startTrace?: StartTrace;
  /** Caps on the JSON that requests and handlers hand the engine. */
  limits: JsonLimits;
}

/** Refuses an operator's `by` or `reason` that is not a string every store can keep, before anything is read. */
function checkActionOptions(options: ActionOptions): void {
  for (const field of ['by', 'reason'] as const) {
    const value: unknown = options[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new InvalidRequestError(field, 'must be a string');
    checkString(field, value);
  }
}

/** How a stored task is brought into memory: started fresh, resumed from its snapshot, or just loaded. */
type Activation = 'start' | 'resume' | 'load';

/**
 * The object a service embeds: it registers templates and handlers, accepts task requests, runs tasks as XState
 * actors (one root actor per task, a child actor per running step), answers queries and emits events.
 * Create it with `createEngine`.
 *
 * Several engines (processes) may share one store: each runs only the tasks it holds a lease on, claims more while
 * it has free slots, and gives up a task whose lease another worker took (see `LeaseKeeper`).
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
  readonly #keeper: LeaseKeeper;
  readonly #loadStored: TaskLoader;
  readonly #giveBack: LeaseReleaser;
  /** Tasks created leased to this engine and not active yet: their slots are taken. */
  #starting = 0;
  #started = false;
  #stopping = false;
  #runningAttempts = 0;
  #attemptsIdle: Array<() => void> = [];
  #writesInFlight = 0;
  /** Leases being given back by passivation: `stop()` waits for them, so none is left held by a stopped engine. */
  readonly #releasing = new Set<Promise<void>>();
  #writesSettled: Array<() => void> = [];

  constructor(settings: EngineSettings) {
    this.#settings = settings;
    this.store = settings.store;
    this.#logger = settings.logger;
    this.templates = new TemplateRegistry(settings.resolveVersion);
    this.#events = new EventBus(settings.logger);
    this.#queue = new WriteQueue(settings.store, settings.logger, {
      now: () => settings.clock.now(),
      rejected: (taskId, _error, failure) => {
        const task = this.#active.get(taskId);
        if (task && failure) for (const event of eventsFromWrite(task.info, failure)) this.#events.emit(event);
      },
      lost: (taskId, error) => {
        const task = this.#active.get(taskId);
        if (task) this.#events.emit(lostEvent(task.info, error, settings.clock.now()));
      },
    });
    this.#loadStored = createTaskLoader(settings.store);
    this.#giveBack = createLeaseReleaser(settings.store);
    const environment: MachineEnvironment = {
      now: () => settings.clock.now(),
      random: settings.random,
      record: (write) => this.#record(write),
      definition: (taskId) => this.#active.get(taskId)!,
      ...createAttemptRunner({
        activeTask: (taskId) => this.#active.get(taskId),
        stepHandler: (name) => this.handlers.stepHandler(name),
        logger: settings.logger,
        clock: settings.clock,
        leaseLapsed: (task) => {
          if (settings.clock.now() < task.leaseUntil) return false;
          this.#lose(task.info.taskId, 'its lease lapsed before a handler could start (was the process frozen?)');
          return true;
        },
        resultCaps: { bytes: settings.limits.resultBytes, depth: settings.limits.depth },
        attemptStarted: () => this.#runningAttempts++,
        attemptEnded: () => {
          if (--this.#runningAttempts === 0) for (const resolve of this.#attemptsIdle.splice(0)) resolve();
        },
      }),
    };
    this.#machine = createTaskMachine(environment, createStepMachine(environment));
    this.#keeper = new LeaseKeeper(settings.store, settings.clock, settings.logger, settings.lease, {
      freeSlots: () => settings.concurrency - this.#active.size - this.#loading.size - this.#starting,
      run: (lease, until) => this.#run(lease, until),
      held: () => [...this.#active.values()].map((task) => task.lease),
      renewed: (leases, until) => {
        for (const { taskId, token } of leases) {
          const task = this.#active.get(taskId);
          if (task?.lease.token === token) task.leaseUntil = until;
        }
      },
      lost: (taskIds) => {
        for (const taskId of taskIds) {
          // A task with a write in flight may have ended its own lease by finishing; if another worker took it, the
          // write is fenced and the task dropped then.
          if (this.#active.get(taskId)?.writesInFlight === 0) void this.#leaseLost(taskId);
        }
      },
    });
  }

  /** This engine's name in the leases it holds. */
  get workerId(): string {
    return this.#keeper.workerId;
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
    checkRequest(request, this.#settings.limits);
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
    // Run here when there is room, leased from the start; otherwise any worker claims it.
    const terms = this.#started && !this.#stopping && this.#hasFreeSlot() ? this.#keeper.terms() : undefined;
    const lease = terms && { workerId: terms.workerId, until: terms.until };
    if (lease) this.#starting++;
    const { task, created } = await this.#queue.create(plan.task, plan.steps, lease).finally(() => {
      if (lease) this.#starting--;
    });
    if (created && lease) {
      const held = { taskId: task.id, token: 1 };
      if (this.#started && !this.#stopping) {
        this.#activate(new ActiveTask(task, plan.steps, held, lease.until), 'start');
      } else await this.store.releaseLeases([held]);
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
        void this.store.getTask(taskId).then(
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
    checkActionOptions(options);
    const task = await this.#requireTask(taskId);
    if (task.state !== 'failed')
      throw new InvalidTransitionError(`Task ${taskId} is ${task.state}; only a failed task can be retried`);
    await this.#act(taskId, { type: 'RETRY', ...options });
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
    await this.#act(taskId, { type: 'CANCEL', ...options });
  }

  /**
   * Resolves a step by hand with `results`, which its dependants then read; the task goes on (a failed task runs
   * again). Allowed for a step that is `pending`, `waiting_for_retry` or `failed`.
   * @throws InvalidRequestError (results that break the JSON rule, see `checkJson`), InvalidTransitionError,
   * NotFoundError `STEP_NOT_FOUND`
   */
  async resolveStep(taskId: string, stepName: string, results: JsonValue, options: ActionOptions = {}): Promise<void> {
    checkActionOptions(options);
    if (results === undefined) throw new InvalidRequestError('results', 'must be JSON');
    checkJson(results, 'results', { bytes: this.#settings.limits.resultBytes, depth: this.#settings.limits.depth });
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
    await this.#act(taskId, { type: 'RESOLVE_STEP', stepName, results, ...options });
  }

  /**
   * Starts working: claims unfinished tasks of the store (up to `concurrency` at once; first those this worker id
   * held before a restart), runs new ones, and claims more as slots free up or the store announces work.
   */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#stopping = false;
    await this.#keeper.start();
  }

  /**
   * Stops gracefully: no task is claimed and no new step starts, running handlers get `gracePeriodMs` to finish,
   * their outcomes are committed, then the actors stop and their leases are released, so that other workers take
   * the tasks over at once. Whatever still ran after the grace period counts as an interrupted attempt there.
   */
  async stop(options: { gracePeriodMs?: number } = {}): Promise<void> {
    const gracePeriodMs = options.gracePeriodMs ?? this.#settings.stopGracePeriodMs;
    const graceEnds = Date.now() + gracePeriodMs;
    // A store that is down may never answer a claim, a load or a commit: no wait on it outlasts the grace period, or
    // a short allowance when that is shorter, so that stopping always stops.
    const storeWaitsEnd = Date.now() + Math.max(gracePeriodMs, STOP_STORE_ALLOWANCE_MS);
    this.#stopping = true;
    this.#started = false;
    const pause = () => {
      for (const task of this.#active.values()) task.actor.send({ type: 'PAUSE' });
    };
    pause();
    await settledBy(this.#keeper.stop(), storeWaitsEnd);
    // Tasks claimed just before were still loading: they pause too.
    await settledBy(Promise.all(this.#loading.values()), storeWaitsEnd);
    pause();
    if (this.#runningAttempts > 0) {
      await settledBy(new Promise<void>((resolve) => this.#attemptsIdle.push(resolve)), graceEnds);
    }
    const commitsEnd = Math.max(graceEnds, Date.now() + STOP_STORE_ALLOWANCE_MS);
    if (!(await settledBy(this.#settleWrites(), commitsEnd))) this.#logUncommitted();
    await settledBy(Promise.all(this.#releasing), commitsEnd);
    for (const task of this.#active.values()) task.stop();
    const held = [...this.#active.values()].map((task) => task.lease);
    this.#active.clear();
    await settledBy(this.#keeper.stopHeartbeat(), commitsEnd);
    if (held.length > 0) {
      const release = this.store
        .releaseLeases(held)
        .catch((error: unknown) => this.#logger.warn({ err: error, leases: held.length }, 'releasing leases failed'));
      if (!(await settledBy(release, commitsEnd))) {
        this.#logger.warn({ leases: held.length }, 'stopped without releasing leases; they expire by themselves');
      }
    }
  }

  /**
   * Says which tasks stop with writes the store did not commit. Nothing is lost that was promised: whoever claims
   * them next (another worker, or this one restarted) resumes from their last durable state and runs the
   * uncommitted steps again.
   */
  #logUncommitted(): void {
    const tasks = [...this.#active.values()].filter((task) => task.writesInFlight > 0).map((task) => task.info.taskId);
    this.#logger.warn(
      { writes: this.#writesInFlight, tasks },
      'stopped with writes the store did not commit; these tasks resume from their last durable state',
    );
  }

  /** Waits until no write is being prepared, queued or committed, including writes that commits set off. */
  async #settleWrites(): Promise<void> {
    while (this.#writesInFlight > 0) await new Promise<void>((resolve) => this.#writesSettled.push(resolve));
  }

  #hasFreeSlot(): boolean {
    return this.#active.size + this.#loading.size + this.#starting < this.#settings.concurrency;
  }

  #fillSlots(): void {
    if (this.#hasFreeSlot()) this.#keeper.wake();
  }

  async #requireTask(taskId: string) {
    const task = await this.store.getTask(taskId);
    if (!task) throw new NotFoundError('TASK_NOT_FOUND', `No task ${taskId}`);
    return task;
  }

  /**
   * Sends an operator's event to the task's actor (claiming and loading it first when this engine does not run it)
   * and waits until its effect is durable.
   * @throws TaskerError `TASK_LEASED` when another worker runs the task; InvalidTransitionError when the engine drops
   * the task before the effect is durable (its write was refused or fenced off, or the task lost).
   */
  async #act(taskId: string, event: TaskMachineEvent): Promise<void> {
    const task = this.#active.get(taskId) ?? (await this.#claimToAct(taskId));
    if (!task) throw new InvalidTransitionError(`Task ${taskId} cannot be loaded to act on it`);
    if (!task.accepts(event)) throw new InvalidTransitionError(`Task ${taskId} cannot take ${event.type} now`);
    const before = task.lastWrite;
    task.actor.send(event);
    const effect = task.lastWrite;
    if (effect === before || effect === undefined) {
      throw new InvalidTransitionError(`Task ${taskId} took ${event.type} without changing anything`);
    }
    // The write may not be durable: the store refused it, lost the task, or another worker took it over.
    const outcome = await effect;
    if (!outcome.durable)
      throw new InvalidTransitionError(`Task ${taskId} could not take ${event.type}: ${outcome.why}`);
  }

  /** Runs a task the keeper claimed; one that still runs here (its lease lapsed, no one else took it) keeps going. */
  #run(lease: Lease, until: number): void {
    const active = this.#active.get(lease.taskId);
    if (this.#stopping) this.#release(lease);
    else if (active) {
      active.lease = lease;
      active.leaseUntil = until;
    } else if (!this.#loading.has(lease.taskId)) void this.#load(lease.taskId, 'resume', lease, until);
  }

  async #claimToAct(taskId: string): Promise<ActiveTask | undefined> {
    const loading = this.#loading.get(taskId);
    if (loading) return loading;
    const terms = this.#keeper.terms();
    const lease = await this.store.claimTask(taskId, terms);
    if (!lease) {
      throw new TaskerError('TASK_LEASED', `Task ${taskId} is being run by another worker; try again shortly`);
    }
    return this.#load(taskId, 'load', lease, terms.until);
  }

  /**
   * Loads a stored task this engine holds `lease` on and activates it; resolves with `undefined` (the lease given
   * back) when it is finished or unreadable.
   */
  #load(taskId: string, activation: Activation, lease: Lease, leaseUntil: number): Promise<ActiveTask | undefined> {
    const loading = this.#loading.get(taskId);
    if (loading) return loading;
    const load = (async () => {
      const stored = await this.#loadStored(taskId);
      if (!stored || (activation === 'resume' && isTaskTerminal(stored.task.state))) {
        await this.#giveBack(lease);
        return undefined;
      }
      const { task, steps, snapshot } = stored;
      if (snapshot && snapshot.machineVersion !== MACHINE_VERSION) {
        throw new TaskerError(
          'SNAPSHOT_VERSION_MISMATCH',
          `Task ${taskId} was saved by machines of version ${snapshot.machineVersion}; this engine runs version ${MACHINE_VERSION}`,
        );
      }
      const active = new ActiveTask(task, steps, lease, leaseUntil);
      if (snapshot) this.#activate(active, activation === 'load' ? 'resume' : activation, snapshot.state);
      else this.#activate(active, activation === 'resume' ? 'start' : 'load');
      return active;
    })()
      .catch((error: unknown) => {
        this.#logger.error({ err: error, taskId }, 'task could not be loaded');
        // Not claimable again at once: a task that cannot be loaded is tried again a lease period later.
        const wakeAt = this.#settings.clock.now() + this.#settings.lease.leaseMs;
        this.#release({ ...lease, wakeAt });
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
      // The inspector names the root actor by its id: the task's, so its session shows which task it runs.
      id: `task:${task.info.taskId}`,
      input: task.input,
      clock,
      ...(inspect ? { inspect } : {}),
      ...(snapshot === undefined ? {} : { snapshot: snapshot as Snapshot<unknown> }),
    });
    task.actor.subscribe({
      error: (error) => this.#logger.error({ err: error, taskId: task.info.taskId }, 'task actor failed'),
    });
    this.#active.set(task.info.taskId, task);
    this.#keeper.keepAlive();
    task.actor.start();
    if (activation === 'start') task.actor.send({ type: 'START' });
    if (activation === 'resume') {
      task.actor.send({ type: 'RESUME' });
      // Claimed before its wake-up (its lease lapsed, say) and still far from it: back to the store.
      this.#passivateIfIdle(task);
    }
  }

  #record(write: TaskWrite): void {
    const task = this.#active.get(write.taskId);
    if (!task) return;
    this.#writesInFlight++;
    task.writesInFlight++;
    task.recorded(write);
    if (!needsAnnotations(task, write)) task.lastWrite = this.#enqueue(task, write);
    else {
      const caps = { bytes: this.#settings.limits.resultBytes, depth: this.#settings.limits.depth };
      task.lastWrite = annotateOutcome(task, write, this.handlers, this.#logger, caps).then(
        (annotated): PromiseLike<WriteOutcome> => this.#enqueue(task, annotated),
      );
    }
  }

  #enqueue(task: ActiveTask, write: TaskWrite): WriteHandle {
    return this.#queue.enqueue(write, task.snapshot, task.lease.token, (dropped) =>
      this.#committed(task, write, dropped),
    );
  }

  /**
   * After a write is committed: its events, whoever waits for it (attempts for their start, operators for their
   * action's effect), and the task's release once it is over or idle for long; a task whose write was not durable
   * (fenced off, refused by the store, lost from it) is dropped instead.
   */
  #committed(task: ActiveTask, write: TaskWrite, dropped: ReadonlyMap<string, string>): void {
    task.writesInFlight--;
    const why = dropped.get(task.info.taskId);
    if (why !== undefined) this.#lose(task.info.taskId, why);
    else this.#durable(task, write);
    if (--this.#writesInFlight === 0) for (const resolve of this.#writesSettled.splice(0)) resolve();
  }

  #durable(task: ActiveTask, write: TaskWrite): void {
    if (write.task?.startedAt !== undefined) task.info.startedAt = write.task.startedAt;
    for (const event of eventsFromWrite(task.info, write, (type) => this.#events.wants(type))) this.#events.emit(event);
    task.wroteDurably(write);
    const state = write.task?.state;
    if (state !== undefined && isTaskTerminal(state)) this.#deactivate(task);
    else this.#passivateIfIdle(task);
  }

  /**
   * Saves a task whose next event is a retry far away and drops it from memory: its lease is given back with that
   * time as the wake-up, when whichever worker is free claims it and restores it from its snapshot. Only once all
   * its writes are durable, so that its stored snapshot is its state; not while stopping, which releases it anyway.
   */
  #passivateIfIdle(task: ActiveTask): void {
    if (task.writesInFlight > 0 || this.#stopping) return;
    const wakeAt = task.nextWakeUp();
    if (wakeAt === undefined || wakeAt - this.#settings.clock.now() < this.#settings.passivateAfterMs) return;
    this.#deactivate(task);
    this.#logger.debug({ taskId: task.info.taskId, wakeAt }, 'task passivated');
    this.#release({ ...task.lease, wakeAt });
  }

  /** Gives a lease back in the background; `stop()` waits for it. */
  #release(release: LeaseRelease): void {
    const releasing = this.#giveBack(release)
      .catch((error: unknown) => this.#logger.warn({ err: error, taskId: release.taskId }, 'releasing a lease failed'))
      .finally(() => this.#releasing.delete(releasing));
    this.#releasing.add(releasing);
  }

  /**
   * Drops a task whose lease the store no longer has: another worker took it, or the task itself vanished from the
   * store (a Redis that lost its data), which is reported as lost. One read, only when a lease is gone.
   */
  async #leaseLost(taskId: string): Promise<void> {
    const stored = await this.store.getTask(taskId).then(
      (task) => task ?? 'vanished',
      () => undefined,
    );
    // Dropped meanwhile, when a commit found it gone first.
    if (!this.#active.has(taskId)) return;
    if (stored === 'vanished') {
      this.#queue.reportLost(taskId, new NotFoundError('TASK_NOT_FOUND', `No task ${taskId} in the store any more`));
      this.#lose(taskId, LOST);
    } else this.#lose(taskId, 'another worker took its lease');
  }

  /**
   * Drops a task that is not this engine's to run any more (another worker owns it, the store refused or lost it),
   * without writing anything more of it.
   */
  #lose(taskId: string, why: string): void {
    const task = this.#active.get(taskId);
    if (!task) return;
    this.#logger.warn({ taskId, workerId: this.workerId }, `task dropped: ${why}`);
    this.#deactivate(task);
  }

  #deactivate(task: ActiveTask): void {
    task.stop();
    this.#active.delete(task.info.taskId);
    if (this.#active.size === 0 && !this.#started) void this.#keeper.stopHeartbeat();
    this.#fillSlots();
  }

  /**
   * How this engine's writes to its store fare (see {@link WriteHealth}): whether commits are failing and since when,
   * how long the oldest write has waited, and how many tasks were lost or refused. What readiness checks read.
   */
  writeHealth(): WriteHealth {
    return this.#queue.health();
  }

  /** Tasks loaded in memory right now. */
  get activeTaskCount(): number {
    return this.#active.size;
  }

  /** Leases this engine holds now: one per task it runs. */
  get heldLeaseCount(): number {
    return this.#active.size;
  }

  /** Unfinished tasks of the store that wait for a worker with a free slot (due, and held by no lease). */
  countWaitingTasks(): Promise<number> {
    return this.store.countWaiting(this.#settings.clock.now());
  }

  /** The workers that hold leases on the store's tasks now, with how many each. */
  listWorkers(): Promise<WorkerLeases[]> {
    return this.store.listWorkers(this.#settings.clock.now());
  }
}
