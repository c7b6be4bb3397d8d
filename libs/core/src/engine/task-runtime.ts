import { createActor, type AnyActorRef, type Snapshot } from 'xstate';
import type { StepRecord, TaskRecord } from '../domain/records.js';
import { isTaskTerminal } from '../domain/states.js';
import type { JsonValue } from '../domain/json.js';
import { declaredSignals } from '../domain/template.js';
import { InvalidTransitionError } from '../errors/invalid-transition-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { TaskerError } from '../errors/tasker-error.js';
import type { HandlerRegistry } from '../handlers/handler-registry.js';
import type { MachineEnvironment } from '../machines/machine-environment.js';
import { MACHINE_VERSION } from '../machines/machine-version.js';
import { createStepMachine } from '../machines/step.machine.js';
import { createCompensationMachine } from '../machines/compensation.machine.js';
import { createTaskMachine, type TaskMachine, type TaskMachineEvent } from '../machines/task.machine.js';
import type { Lease, LeaseRelease } from '../store/leases.js';
import type { TemplateRegistry } from '../templates/template-registry.js';
import type { CreateTaskResult, TaskWrite } from '../store/task-store.js';
import { LOST } from '../store/write-queue.js';
import { ActiveTask } from './active-task.js';
import { Admissions } from '../throttling/admissions.js';
import { createAttemptRunner } from './attempt-runner.js';
import { customEvent } from './custom-event.js';
import { createLeaseReleaser, createTaskLoader, type LeaseReleaser, type TaskLoader } from './batched-store-calls.js';
import type { EngineLifecycle } from './engine-lifecycle.js';
import type { EngineSettings } from './engine-settings.js';
import type { EventBus } from './event-bus.js';
import { LeaseKeeper } from './lease-keeper.js';
import { settledBy } from './settled-by.js';
import { WritePipeline } from './write-pipeline.js';

/** How long stopping waits on the store at least, even with a shorter grace period: a sound store commits by then. */
const STOP_STORE_ALLOWANCE_MS = 2_000;

/**
 * How a stored task is brought into memory: started fresh, resumed from its snapshot, just loaded (no snapshot yet),
 * or resumed for an operator's action, which must find it in memory even when its next retry is far away.
 */
type Activation = 'start' | 'resume' | 'load' | 'act';

/**
 * The tasks an engine runs, each an {@link ActiveTask} with its actor: created here leased to this engine, claimed
 * by the {@link LeaseKeeper} or for an operator and loaded, activated, passivated when idle for long, and dropped
 * when they are over or not this engine's any more. Their writes take the {@link WritePipeline}.
 */
export class TaskRuntime {
  readonly writes: WritePipeline;
  readonly #settings: EngineSettings;
  readonly #lifecycle: EngineLifecycle;
  readonly #machine: TaskMachine;
  readonly #keeper: LeaseKeeper;
  readonly #loadStored: TaskLoader;
  readonly #giveBack: LeaseReleaser;
  readonly #templates: Pick<TemplateRegistry, 'resolve'>;
  readonly #active = new Map<string, ActiveTask>();
  readonly #admissions: Admissions;
  readonly #loading = new Map<string, Promise<ActiveTask | undefined>>();
  /** Tasks being created leased to this engine and not active yet: their slots are taken. */
  #creating = 0;
  #runningAttempts = 0;
  #attemptsIdle: Array<() => void> = [];
  /**
   * Leases being given back by passivation, and the signal checks that follow some (see `#wakeIfSignalled`):
   * stopping waits for them, so none is left held by a stopped engine nor reads a store being closed.
   */
  readonly #releasing = new Set<Promise<void>>();

  constructor(
    settings: EngineSettings,
    lifecycle: EngineLifecycle,
    events: EventBus,
    handlers: HandlerRegistry,
    templates: Pick<TemplateRegistry, 'resolve'>,
  ) {
    this.#settings = settings;
    this.#lifecycle = lifecycle;
    this.writes = new WritePipeline(settings, events, handlers, {
      activeTask: (taskId) => this.#active.get(taskId),
      durable: (task, write) => this.#durable(task, write),
      notDurable: (taskId, why) => this.#lose(taskId, why),
    });
    this.#loadStored = createTaskLoader(settings.store);
    this.#giveBack = createLeaseReleaser(settings.store);
    const admissions = (this.#admissions = new Admissions(settings.store, {
      activeTask: (taskId) => this.#active.get(taskId),
      clock: settings.clock,
      logger: settings.logger,
    }));
    const leaseLapsed = (task: ActiveTask): boolean => {
      if (settings.clock.now() < task.leaseUntil) return false;
      this.#drop(task, 'its lease lapsed before a handler could start (was the process frozen?)');
      return true;
    };
    const resultCaps = { bytes: settings.limits.resultBytes, depth: settings.limits.depth };
    const environment: MachineEnvironment = {
      now: () => settings.clock.now(),
      random: settings.random,
      record: (write) => {
        const task = this.#active.get(write.taskId);
        if (task) this.writes.record(task, write);
      },
      definition: (taskId) => this.#active.get(taskId)!,
      hasSignal: (taskId, name) => this.#active.get(taskId)?.signalOf(name) !== undefined,
      isThrottled: (taskId, stepName) => admissions.isThrottled(taskId, stepName),
      admit: (taskId, stepName, step) => admissions.admit(taskId, stepName, step),
      releaseSlot: (taskId, stepName) => admissions.releaseSlot(taskId, stepName),
      resultOf: (taskId, stepName) => this.#active.get(taskId)?.resultOf(stepName),
      ...createAttemptRunner({
        activeTask: (taskId) => this.#active.get(taskId),
        stepHandler: (name) => handlers.stepHandler(name),
        compensationHandler: (name) => handlers.compensationHandler(name),
        logger: settings.logger,
        clock: settings.clock,
        leaseLapsed,
        resultCaps,
        map: {
          clock: settings.clock,
          random: settings.random,
          storedItems: (taskId, stepName) => settings.store.getStepItems(taskId, stepName),
          recordItems: (task, items) => {
            this.writes.record(task, { taskId: task.info.taskId, items });
            return task.lastWrite!;
          },
          leaseLapsed,
          resultCaps,
        },
        abortedHandlerGraceMs: settings.abortedHandlerGraceMs,
        declaresSignal: (task, name) => this.#declaredSignals(task).has(name),
        publish: (task, stepName, attempt, name, payload) => {
          const { namespace, name: taskName, version } = task.info;
          const declared = templates.resolve(namespace, taskName, version).customEvents ?? [];
          const caps = { bytes: settings.limits.resultBytes, depth: settings.limits.depth };
          this.writes.publish(
            task,
            customEvent({ task: task.info, stepName, attempt, name, payload }, declared, caps, settings.clock.now()),
          );
        },
        attemptStarted: () => this.#runningAttempts++,
        attemptEnded: () => {
          if (--this.#runningAttempts === 0) for (const resolve of this.#attemptsIdle.splice(0)) resolve();
        },
      }),
    };
    this.#templates = templates;
    this.#machine = createTaskMachine(
      environment,
      createStepMachine(environment),
      createCompensationMachine(environment),
    );
    this.#keeper = new LeaseKeeper(settings.store, settings.clock, settings.logger, settings.lease, {
      freeSlots: () => settings.concurrency - this.#slotsTaken(),
      run: (lease, until) => this.#run(lease, until),
      held: () => [...this.#active.values()].map((task) => task.lease),
      renewed: (leases, until) => {
        const renewed = new Set<string>();
        for (const { taskId, token } of leases) {
          const task = this.#active.get(taskId);
          if (task?.lease.token !== token) continue;
          task.leaseUntil = until;
          renewed.add(taskId);
        }
        admissions.renew(renewed, until);
      },
      workAnnounced: () => admissions.wakeThrottled(),
      lost: (leases) => {
        for (const { taskId, token } of leases) {
          const task = this.#active.get(taskId);
          // A task with a write in flight may have ended its own lease by finishing; if another worker took it, the
          // write is fenced and the task dropped then. One claimed again since the renewal was sent holds a new lease.
          if (task?.lease.token === token && task.writesInFlight === 0) void this.#leaseLost(task);
        }
      },
    });
  }

  get workerId(): string {
    return this.#keeper.workerId;
  }

  /** Tasks in memory now, each holding a lease. */
  get activeCount(): number {
    return this.#active.size;
  }

  /** Starts claiming tasks from the store (see {@link LeaseKeeper.start}). */
  startClaiming(): Promise<void> {
    return this.#keeper.start();
  }

  /**
   * Stores a new task with its steps and, when it is due, the engine takes work and has a free slot, runs it, leased
   * to this engine from its creation (no claim round trip); otherwise any worker claims it (a delayed task once its
   * `runAt` comes).
   */
  async create(task: TaskRecord, steps: StepRecord[]): Promise<CreateTaskResult> {
    // A task due later is stored unleased, claimable from its `runAt`: whichever worker is free then starts it.
    const due = task.runAt === undefined || task.runAt <= this.#settings.clock.now();
    const terms =
      due && this.#lifecycle.takesWork && this.#slotsTaken() < this.#settings.concurrency && this.#keeper.terms();
    const lease = terms ? { workerId: terms.workerId, until: terms.until } : undefined;
    if (lease) this.#creating++;
    // A task no worker takes at once waits in the claim order with its priority's head start (see EngineOptions).
    const headStart = (task.priority ?? 0) * this.#settings.priorityAgeMs;
    const claimableAt = !lease && due && headStart > 0 ? task.createdAt - headStart : undefined;
    const request = { task, steps, ...(lease ? { lease } : {}), ...(claimableAt === undefined ? {} : { claimableAt }) };
    const result = await this.writes.create(request).finally(() => {
      if (lease) this.#creating--;
    });
    if (result.created && lease) {
      const held = { taskId: result.task.id, token: 1 };
      if (this.#lifecycle.takesWork) this.#activate(new ActiveTask(result.task, steps, held, lease.until), 'start');
      else await this.#settings.store.releaseLeases([held]);
    }
    return result;
  }

  /**
   * Sends an operator's event to the task's actor (claiming and loading it first when this engine does not run it)
   * and waits until the write it set off is durable.
   * @throws TaskerError `TASK_LEASED` when another worker runs the task; InvalidTransitionError when the task does
   * not take the event now, or its write is not durable (refused or fenced off, or the task lost), saying why.
   */
  async act(taskId: string, event: TaskMachineEvent): Promise<void> {
    const task = this.#active.get(taskId) ?? (await this.#claimToAct(taskId));
    if (!task) throw new InvalidTransitionError(`Task ${taskId} cannot be loaded to act on it`);
    if (!task.accepts(event)) throw new InvalidTransitionError(`Task ${taskId} cannot take ${event.type} now`);
    const before = task.lastWrite;
    task.actor.send(event);
    const effect = task.lastWrite;
    if (effect === before || effect === undefined) {
      throw new InvalidTransitionError(`Task ${taskId} took ${event.type} without changing anything`);
    }
    const outcome = await effect;
    if (!outcome.durable)
      throw new InvalidTransitionError(`Task ${taskId} could not take ${event.type}: ${outcome.why}`);
    // An operator-only engine runs nothing: the task goes back to the workers, claimable at once.
    if (this.#settings.operatorOnly && this.#active.get(taskId) === task) {
      this.#deactivate(task);
      this.#release(task.lease);
    }
  }

  /**
   * Lets go of every task: claims no more, pauses every task (no new step starts, due retries wait), gives running
   * handlers until `graceEnds`, waits until every write they set off is committed, then stops the actors and
   * releases the leases. No wait on the store (a claim or load in flight, the commits, releasing leases) outlasts
   * the grace period, or a short allowance when that is shorter, so that stopping always stops.
   */
  async letGo(gracePeriodMs: number): Promise<void> {
    const graceEnds = Date.now() + gracePeriodMs;
    const storeWaitsEnd = Date.now() + Math.max(gracePeriodMs, STOP_STORE_ALLOWANCE_MS);
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
    if (!(await settledBy(this.writes.settle(), commitsEnd))) this.#logUncommitted();
    await settledBy(Promise.all(this.#releasing), commitsEnd);
    for (const task of this.#active.values()) task.stop();
    const held = [...this.#active.values()].map((task) => task.lease);
    this.#active.clear();
    await settledBy(this.#keeper.stopHeartbeat(), commitsEnd);
    if (held.length === 0) return;
    const release = this.#settings.store
      .releaseLeases(held)
      .catch((error: unknown) =>
        this.#settings.logger.warn({ err: error, leases: held.length }, 'releasing leases failed'),
      );
    if (!(await settledBy(release, commitsEnd))) {
      this.#settings.logger.warn(
        { leases: held.length },
        'stopped without releasing leases; they expire by themselves',
      );
    }
  }

  /**
   * Says which tasks stop with writes the store did not commit. Nothing is lost that was promised: whoever claims
   * them next (another worker, or this one restarted) resumes from their last durable state and runs the
   * uncommitted steps again.
   */
  #logUncommitted(): void {
    const tasks = [...this.#active.values()].filter((task) => task.writesInFlight > 0).map((task) => task.info.taskId);
    this.#settings.logger.warn(
      { writes: this.writes.inFlight, tasks },
      'stopped with writes the store did not commit; these tasks resume from their last durable state',
    );
  }

  #slotsTaken(): number {
    return this.#active.size + this.#loading.size + this.#creating;
  }

  #fillSlots(): void {
    if (this.#slotsTaken() < this.#settings.concurrency) this.#keeper.wake();
  }

  /**
   * Runs a task the keeper claimed. One that still runs here (its lease lapsed) keeps going when no one held it
   * since: every claim raises the token by one, so a token one above ours means the store holds what this engine
   * wrote. Otherwise another worker ran it meanwhile and its actor here is stale: going on would start attempts the
   * other worker settled and record over its results under the new token, so the task is reloaded from the store.
   */
  #run(lease: Lease, until: number): void {
    const active = this.#active.get(lease.taskId);
    if (this.#lifecycle.lettingGo) this.#release(lease);
    else if (active && lease.token === active.lease.token + 1) {
      active.lease = lease;
      active.leaseUntil = until;
    } else if (active) this.#reload(active, lease, until);
    else if (!this.#loading.has(lease.taskId)) void this.#load(lease.taskId, 'resume', lease, until);
  }

  /**
   * Drops `stale`, claimed back under `lease` after another worker held it, and loads the task afresh once the
   * writes its stale actor left in flight have their outcome (refused by their old token): a refusal reported after
   * the new actor is active would drop it.
   */
  #reload(stale: ActiveTask, lease: Lease, until: number): void {
    this.#drop(stale, 'another worker ran it since this engine last held it; reloading it from the store');
    void this.#load(lease.taskId, 'resume', lease, until, stale.lastWrite);
  }

  async #claimToAct(taskId: string): Promise<ActiveTask | undefined> {
    const loading = this.#loading.get(taskId);
    if (loading) return loading;
    const terms = this.#keeper.terms();
    const lease = await this.#settings.store.claimTask(taskId, terms);
    if (!lease) {
      throw new TaskerError('TASK_LEASED', `Task ${taskId} is being run by another worker; try again shortly`);
    }
    return this.#load(taskId, 'load', lease, terms.until);
  }

  /**
   * Loads a stored task this engine holds `lease` on and activates it, once `after` (if given) has settled; resolves
   * with `undefined` (the lease given back) when it is finished or unreadable.
   */
  #load(
    taskId: string,
    activation: Activation,
    lease: Lease,
    leaseUntil: number,
    after?: PromiseLike<unknown>,
  ): Promise<ActiveTask | undefined> {
    const loading = this.#loading.get(taskId);
    if (loading) return loading;
    const load = (async () => {
      await after;
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
      // Signals sent while the task slept (or before a step waits for them) are read with it.
      if (this.#declaredSignals(active).size > 0) {
        for (const signal of await this.#settings.store.readSignals(taskId))
          active.received(signal.name, signal.payload);
      }
      if (snapshot) this.#activate(active, activation === 'load' ? 'act' : activation, snapshot.state);
      else this.#activate(active, activation === 'resume' ? 'start' : 'load');
      return active;
    })()
      .catch((error: unknown) => {
        this.#settings.logger.error({ err: error, taskId }, 'task could not be loaded');
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
    const { clock, inspect, logger } = this.#settings;
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
      error: (error) => logger.error({ err: error, taskId: task.info.taskId }, 'task actor failed'),
    });
    this.#active.set(task.info.taskId, task);
    this.#keeper.keepAlive();
    task.actor.start();
    if (activation === 'start') task.actor.send({ type: 'START' });
    // Loaded by an operator-only engine: paused, not resumed, so the operator's event starts no step and no
    // compensation here; the worker that claims the task next resumes it (a snapshot's pause is lifted by RESUME).
    if (this.#settings.operatorOnly) task.actor.send({ type: 'PAUSE' });
    else if (activation === 'resume' || activation === 'act') task.actor.send({ type: 'RESUME' });
    // Claimed before its wake-up (its lease lapsed, say) and still far from it: back to the store. Not when loaded
    // for an operator's action, which the actor is about to take; its write passivates it afterwards if need be.
    if (activation === 'resume') this.#passivateIfIdle(task);
  }

  /** After a durable write: a task that is over leaves memory, one idle for long is passivated. */
  #durable(task: ActiveTask, write: TaskWrite): void {
    const state = write.task?.state;
    if (state !== undefined && isTaskTerminal(state)) this.#deactivate(task);
    else this.#passivateIfIdle(task);
  }

  /**
   * Saves a task whose next event is a retry far away and drops it from memory: its lease is given back with that
   * time as the wake-up, when whichever worker is free claims it and restores it from its snapshot. Only once all
   * its writes are durable, so that its stored snapshot is its state; not while letting go, which releases it anyway.
   */
  #passivateIfIdle(task: ActiveTask): void {
    if (task.writesInFlight > 0 || this.#lifecycle.lettingGo) return;
    const wake = task.nextWakeUp();
    // A task waiting for a signal leaves memory whatever its timeout: only then does a signal sent through any
    // worker wake it (the store makes a free task claimable; a held one is its holder's to notice).
    if (
      wake === undefined ||
      (wake.signals.length === 0 && wake.at - this.#settings.clock.now() < this.#settings.passivateAfterMs)
    ) {
      return;
    }
    this.#deactivate(task);
    this.#settings.logger.debug({ taskId: task.info.taskId, wakeAt: wake.at }, 'task passivated');
    const released = this.#release({ ...task.lease, wakeAt: wake.at });
    if (wake.signals.length > 0)
      this.#track(released.then(() => this.#wakeIfSignalled(task.info.taskId, wake.signals)));
  }

  /**
   * Claims back a task just passivated while waiting for `signals`, when one of them reached the store while this
   * engine still held it: the store woke no one then, since the task was leased. One sent after the release wakes
   * the task by itself, so between the two none is missed.
   */
  async #wakeIfSignalled(taskId: string, signals: string[]): Promise<void> {
    // A stopping engine claims nothing; the task's signal (or its timeout) wakes it on another worker.
    if (!this.#lifecycle.takesWork) return;
    try {
      const received = await this.#settings.store.readSignals(taskId);
      if (!received.some((signal) => signals.includes(signal.name)) || !this.#lifecycle.takesWork) return;
      const terms = this.#keeper.terms();
      const lease = await this.#settings.store.claimTask(taskId, terms);
      if (lease) this.#run(lease, terms.until);
    } catch (error) {
      // Its wake-up time (the signal's timeout) or the next signal wakes it still.
      this.#settings.logger.warn({ err: error, taskId }, 'checking a passivated task for signals failed');
    }
  }

  /**
   * Hands a signal just stored to the task, when this engine runs it: kept for its handlers, and sent to its steps,
   * so that one waiting for it runs again at once. Tells whether a step was waiting for it.
   */
  deliverSignal(taskId: string, name: string, payload: JsonValue): boolean {
    const task = this.#active.get(taskId);
    if (!task) return false;
    task.received(name, payload);
    let woke = false;
    const waiting = (child: AnyActorRef | undefined) =>
      (child?.getSnapshot() as { matches?(state: string): boolean } | undefined)?.matches?.('waiting') === true;
    for (const child of Object.values(task.actor.getSnapshot().children) as Array<AnyActorRef | undefined>) {
      if (!waiting(child)) continue;
      child!.send({ type: 'SIGNAL_RECEIVED', signal: name });
      woke ||= !waiting(child);
    }
    return woke;
  }

  /** The signals the template of `task` declares (none when this engine does not know the template). */
  #declaredSignals(task: ActiveTask): Set<string> {
    const { namespace, name, version } = task.info;
    try {
      return declaredSignals(this.#templates.resolve(namespace, name, version));
    } catch {
      return new Set();
    }
  }

  /** Gives a lease back in the background; stopping waits for it. Resolves once it is given back (or failed). */
  #release(release: LeaseRelease): Promise<void> {
    return this.#track(
      this.#giveBack(release).catch((error: unknown) =>
        this.#settings.logger.warn({ err: error, taskId: release.taskId }, 'releasing a lease failed'),
      ),
    );
  }

  /** Keeps `work` (which never rejects) among what stopping waits for until it settles. */
  #track(work: Promise<void>): Promise<void> {
    const tracked = work.finally(() => this.#releasing.delete(tracked));
    this.#releasing.add(tracked);
    return tracked;
  }

  /**
   * Drops a task whose lease the store no longer has: another worker took it, or the task itself vanished from the
   * store (a Redis that lost its data), which is reported as lost. One read, only when a lease is gone.
   */
  async #leaseLost(task: ActiveTask): Promise<void> {
    const { taskId } = task.info;
    const stored = await this.#settings.store.getTask(taskId).then(
      (found) => found ?? 'vanished',
      () => undefined,
    );
    // Dropped meanwhile (a commit found it gone first), or claimed again and reloaded.
    if (this.#active.get(taskId) !== task) return;
    if (stored === 'vanished') {
      this.writes.reportLost(taskId, new NotFoundError('TASK_NOT_FOUND', `No task ${taskId} in the store any more`));
      this.#drop(task, LOST);
    } else this.#drop(task, 'another worker took its lease');
  }

  /** Drops the task this engine runs under `taskId`, if any (see `#drop`). */
  #lose(taskId: string, why: string): void {
    const task = this.#active.get(taskId);
    if (task) this.#drop(task, why);
  }

  /**
   * Drops `task`, which is not this engine's to run any more (another worker owns it, the store refused or lost it),
   * without writing anything more of it; not when the engine runs a newer actor of the task by now (reloaded).
   */
  #drop(task: ActiveTask, why: string): void {
    if (this.#active.get(task.info.taskId) !== task) return;
    this.#settings.logger.warn({ taskId: task.info.taskId, workerId: this.workerId }, `task dropped: ${why}`);
    this.#deactivate(task);
  }

  #deactivate(task: ActiveTask): void {
    task.stop();
    this.#active.delete(task.info.taskId);
    this.#admissions.forget(task.info.taskId);
    if (this.#active.size === 0 && !this.#lifecycle.takesWork) void this.#keeper.stopHeartbeat();
    this.#fillSlots();
  }
}
