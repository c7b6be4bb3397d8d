import { ancestorsOf } from '../templates/dependency-graph.js';
import type { JsonObject, JsonValue } from '../domain/json.js';
import type { StepRecord, TaskRecord } from '../domain/records.js';
import { MACHINE_VERSION } from '../machines/machine-version.js';
import type { TaskMachineInput } from '../machines/task-context.js';
import type { TaskDefinition } from '../machines/task-definition.js';
import type { StepSettings } from '../domain/template.js';
import type { TaskActor, TaskMachineEvent } from '../machines/task.machine.js';
import type { Lease } from '../store/leases.js';
import type { StoredSnapshot, TaskWrite } from '../store/task-store.js';
import type { WriteOutcome } from '../store/write-handle.js';
import type { EventTaskInfo } from './events-from-write.js';
import type { WaitingFor } from '../domain/records.js';
import type { StepState } from '../domain/states.js';

/**
 * The wake-up of a task that waits for a signal without a timeout: no time wakes it, only the signal (year 9999, a
 * time every store's wake-up column and Redis score holds exactly).
 */
export const NEVER = 253_402_300_799_999;

const isWaitingState = (state: StepState) =>
  state === 'waiting_for_retry' || state === 'waiting' || state === 'throttled';

/**
 * A stored task's deadline as its machine takes it: when it passes, and how long it is. Only `deadlineAt` is stored;
 * the length is what it counts from when the task became due (its `runAt` when later than its creation).
 */
function deadlineOf(task: TaskRecord, deadlineAt: number): { at: number; ms: number } {
  return { at: deadlineAt, ms: deadlineAt - Math.max(task.runAt ?? task.createdAt, task.createdAt) };
}
import type { AttemptControl } from './attempt-control.js';

/** What a running step needs of its definition. */
export interface ActiveStep {
  handler: string;
  config: JsonObject;
  dependsOn: string[];
  settings: StepSettings;
}

/** A task this engine runs now: its actor and what its handlers and events need, kept out of the actor. */
export class ActiveTask implements TaskDefinition {
  readonly info: EventTaskInfo & { context: JsonObject; taskHandler?: string };
  readonly steps: Map<string, ActiveStep>;
  readonly order: string[];
  readonly maxParallelSteps: number;
  /** What a fresh task actor is created from. */
  readonly input: TaskMachineInput;
  actor!: TaskActor;
  /** This engine's lease on the task: its token fences every write. */
  lease: Lease;
  /**
   * Until when the lease surely holds, as this engine last heard from the store. Past it, no handler starts: a
   * worker that was frozen (or cut off) may have lost the task to another one without knowing it yet.
   */
  leaseUntil: number;
  /** Writes recorded and not yet committed. */
  writesInFlight = 0;
  /**
   * The outcome of the task's latest write. A task's writes commit in order, so once it is durable, so is every
   * write recorded before it: who must wait for an effect to be durable (an attempt for its start, an operator for
   * the action's) awaits the latest write right after setting the effect off.
   */
  lastWrite: PromiseLike<WriteOutcome> | undefined;
  /** The attempts running now, by step name. */
  readonly #attempts = new Map<string, AttemptControl>();
  /** Each step's latest attempt whose handler has not returned yet, stopped or not. */
  readonly #handlers = new Map<string, Promise<unknown>>();
  readonly #ancestors = new Map<string, Set<string>>();
  /**
   * The steps' results as their rows hold them once the writes recorded so far commit: loaded with the task, kept
   * up to date by {@link recorded}. What handlers read of their dependencies; the actors' contexts keep none.
   */
  readonly #results = new Map<string, JsonValue>();
  /**
   * Steps whose last durable state is `waiting_for_retry`, `waiting` or `throttled`: while there are none, the task has no
   * wake-up time.
   */
  readonly #waitingSteps: Set<string>;
  /** The signals the task received, by name: loaded with it, and added to as this engine takes more. */
  readonly #signals = new Map<string, JsonValue>();

  constructor(task: TaskRecord, steps: StepRecord[], lease: Lease, leaseUntil: number) {
    this.lease = lease;
    this.leaseUntil = leaseUntil;
    this.info = {
      taskId: task.id,
      namespace: task.namespace,
      name: task.name,
      version: task.version,
      correlationId: task.correlationId,
      context: task.context,
      ...(task.startedAt === undefined ? {} : { startedAt: task.startedAt }),
      ...(task.taskHandler === undefined ? {} : { taskHandler: task.taskHandler }),
      ...(task.traceContext === undefined ? {} : { traceContext: task.traceContext }),
    };
    this.steps = new Map(
      steps.map(({ name, handler, config, dependsOn, settings }) => [name, { handler, config, dependsOn, settings }]),
    );
    this.order = steps.map((step) => step.name);
    for (const step of steps) if (step.results !== undefined) this.#results.set(step.name, step.results);
    this.#waitingSteps = new Set(steps.filter((step) => isWaitingState(step.state)).map((step) => step.name));
    this.maxParallelSteps = task.maxParallelSteps;
    this.input = {
      taskId: task.id,
      stepNames: this.order,
      skipped: steps.filter((step) => step.state === 'skipped').map((step) => step.name),
      ...(task.deadlineAt === undefined ? {} : { deadline: deadlineOf(task, task.deadlineAt) }),
    };
  }

  /**
   * When the task's next event comes, when all its running steps wait (for a retry, a time, a signal, or a slot or
   * token they asked again for by a known time): the earliest of their wake-ups ({@link NEVER} for a signal without
   * a timeout) and its deadline, and the signals they wait for. `undefined`
   * while a step runs or records, or the task is not running.
   */
  nextWakeUp(): { at: number; signals: string[] } | undefined {
    // Asked after every durable write: most find no step waiting, without reading the actors.
    if (this.#waitingSteps.size === 0) return undefined;
    const snapshot = this.actor.getSnapshot();
    if (snapshot.status !== 'active' || !snapshot.matches('in_progress')) return undefined;
    let earliest: number | undefined;
    const signals: string[] = [];
    for (const child of Object.values(snapshot.children)) {
      const step = child?.getSnapshot() as
        | {
            matches(state: string): boolean;
            context: { retryAt?: number; waitingFor?: WaitingFor; throttledUntil?: number };
          }
        | undefined;
      let at: number | undefined;
      if (step?.matches('waiting_for_retry')) at = step.context.retryAt;
      // Throttled: it asks again by then (a release announced meanwhile reaches only the tasks in memory).
      else if (step?.matches('throttled.blocked')) at = step.context.throttledUntil;
      else if (step?.matches('waiting')) {
        const { signal, until } = step.context.waitingFor ?? {};
        if (signal !== undefined) signals.push(signal);
        at = until ?? NEVER;
      }
      if (at === undefined) return undefined;
      earliest = earliest === undefined ? at : Math.min(earliest, at);
    }
    // Its deadline wakes it too, on whichever worker claims it then.
    const { deadlineAt } = snapshot.context;
    if (earliest !== undefined && deadlineAt !== undefined) earliest = Math.min(earliest, deadlineAt);
    return earliest === undefined ? undefined : { at: earliest, signals };
  }

  /** The payload of the signal `name` the task received, if it did. */
  signalOf(name: string): JsonValue | undefined {
    return this.#signals.get(name);
  }

  /** Keeps a signal the task received (read from the store, or sent through this engine). */
  received(name: string, payload: JsonValue): void {
    this.#signals.set(name, payload);
  }

  /** Whether the task (or, for a resolution of a running step, that step) takes `event` in its current state. */
  accepts(event: TaskMachineEvent): boolean {
    const snapshot = this.actor.getSnapshot();
    if (!snapshot.can(event)) return false;
    if (event.type !== 'RESOLVE_STEP' || snapshot.context.steps[event.stepName]?.state !== 'in_progress') return true;
    const step = snapshot.children[event.stepName];
    return step?.getSnapshot().can({ type: 'RESOLVE', results: event.results }) ?? false;
  }

  /**
   * Stops the task's actor and every attempt its steps run: the handlers' signals are aborted and their outcomes
   * dropped. (Stopping an actor runs no exit action, so the steps cannot stop their attempts themselves.)
   */
  stop(): void {
    this.actor.stop();
    for (const stepName of this.#attempts.keys()) this.stopAttempt(stepName);
  }

  /** Keeps `control` as the attempt `stepName` runs now, for {@link stopAttempt} and {@link stop}. */
  attemptStarted(stepName: string, control: AttemptControl): void {
    this.#attempts.set(stepName, control);
  }

  /** Keeps `settled` (resolved once the handler of `stepName`'s latest attempt returns) until it resolves. */
  handlerRunning(stepName: string, settled: Promise<unknown>): void {
    this.#handlers.set(stepName, settled);
    void settled.then(() => {
      if (this.#handlers.get(stepName) === settled) this.#handlers.delete(stepName);
    });
  }

  /**
   * Resolves once the handler of `stepName`'s latest attempt has returned, when one still runs in this process
   * (stopped attempts included: aborting a signal does not stop a handler that ignores it); `undefined` otherwise.
   */
  handlerSettled(stepName: string): Promise<unknown> | undefined {
    return this.#handlers.get(stepName);
  }

  /**
   * Stops the attempt `stepName` runs, if any: its handler's signal is aborted (with `reason` as its reason, when
   * given) and its outcome dropped.
   */
  stopAttempt(stepName: string, reason?: Error): void {
    this.#attempts.get(stepName)?.stop(reason);
    this.#attempts.delete(stepName);
  }

  /** Told of each write of this task as it is recorded, before it is queued. */
  recorded(write: TaskWrite): void {
    for (const patch of write.steps ?? []) {
      if (!('results' in patch)) continue;
      if (patch.results === undefined) this.#results.delete(patch.name);
      else this.#results.set(patch.name, patch.results);
    }
  }

  /** The result of step `stepName` as recorded, if it has one. */
  resultOf(stepName: string): JsonValue | undefined {
    return this.#results.get(stepName);
  }

  /** Told of each durable write of this task. */
  wroteDurably(write: TaskWrite): void {
    for (const patch of write.steps ?? []) {
      if (patch.state !== undefined && isWaitingState(patch.state)) this.#waitingSteps.add(patch.name);
      else if (patch.state !== undefined) this.#waitingSteps.delete(patch.name);
    }
  }

  /**
   * The task actor's persisted snapshot as it is now (its steps' actors included), stamped with the machines'
   * version. Small: the contexts hold states, attempts, errors and deadlines, never results.
   */
  snapshot = (): StoredSnapshot => ({ machineVersion: MACHINE_VERSION, state: this.actor.getPersistedSnapshot() });

  /** Every step that `stepName` depends on, directly or not: the steps whose results it may read. */
  ancestorsOf(stepName: string): Set<string> {
    let ancestors = this.#ancestors.get(stepName);
    if (!ancestors) {
      ancestors = ancestorsOf((name) => this.steps.get(name)?.dependsOn, stepName);
      this.#ancestors.set(stepName, ancestors);
    }
    return ancestors;
  }
}
