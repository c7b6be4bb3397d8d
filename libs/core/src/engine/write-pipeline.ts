import type { CustomEvent, EngineEvent } from '../domain/events.js';
import type { HandlerRegistry } from '../handlers/handler-registry.js';
import type { CreateTaskResult, NewTask, TaskWrite } from '../store/task-store.js';
import type { WriteHandle, WriteOutcome } from '../store/write-handle.js';
import type { WriteHealth } from '../store/write-health.js';
import { WriteQueue } from '../store/write-queue.js';
import type { ActiveTask } from './active-task.js';
import { annotateOutcome, needsAnnotations } from './annotate-outcome.js';
import type { EngineSettings } from './engine-settings.js';
import type { EventBus } from './event-bus.js';
import { eventsFromWrite, lostEvent } from './events-from-write.js';

/** What the write pipeline tells the task runtime of the writes of its tasks. */
export interface WritePipelineHost {
  /** The task this engine runs under `taskId`, if any. */
  activeTask(taskId: string): ActiveTask | undefined;
  /** A write of `task` is durable and its events are out: the task may be over, or idle for long. */
  durable(task: ActiveTask, write: TaskWrite): void;
  /** A write of `taskId` is not durable (fenced off, refused by the store, lost from it), for `why`. */
  notDurable(taskId: string, why: string): void;
}

const EVERY_EVENT = () => true;
const NO_EVENTS: readonly EngineEvent[] = [];

/**
 * The way of a write from the machines to the store and back: recorded (a task handler's annotations added to a
 * task's outcome), its events built and, with the event log on, carried on the write so that the store appends them
 * in the same commit (an outbox); queued and group-committed by the {@link WriteQueue}, then its events emitted to
 * this process's listeners and the task runtime told. Counts the writes on their way, so that stopping can wait for
 * them.
 */
export class WritePipeline {
  readonly #queue: WriteQueue;
  readonly #settings: Pick<EngineSettings, 'logger' | 'limits'>;
  /** Whether events go to the store's event log with their writes (`EngineOptions.eventLog`). */
  readonly #logging: boolean;
  readonly #wanted: (type: string) => boolean;
  readonly #events: EventBus;
  readonly #handlers: HandlerRegistry;
  readonly #host: WritePipelineHost;
  #inFlight = 0;
  #settled: Array<() => void> = [];

  constructor(
    settings: Pick<EngineSettings, 'store' | 'logger' | 'clock' | 'limits' | 'eventLog'>,
    events: EventBus,
    handlers: HandlerRegistry,
    host: WritePipelineHost,
  ) {
    this.#settings = settings;
    this.#events = events;
    this.#handlers = handlers;
    this.#host = host;
    this.#logging = settings.eventLog !== false;
    this.#wanted = (type) => events.wants(type);
    this.#queue = new WriteQueue(settings.store, settings.logger, {
      now: () => settings.clock.now(),
      eventsOf: (failure) => {
        const task = host.activeTask(failure.taskId);
        return task && this.#logging ? eventsFromWrite(task.info, failure) : undefined;
      },
      rejected: (taskId, _error, failure) => {
        const task = host.activeTask(taskId);
        if (task && failure) for (const event of eventsFromWrite(task.info, failure)) events.emit(event);
      },
      lost: (taskId, error) => {
        const task = host.activeTask(taskId);
        if (task) events.emit(lostEvent(task.info, error, settings.clock.now()));
      },
    });
  }

  /** Writes recorded and not yet committed (or given up). */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Records `write` of `task`: queues it (after its task handler's annotations, for a task's outcome) and keeps its
   * outcome as the task's `lastWrite`.
   */
  record(task: ActiveTask, write: TaskWrite): void {
    this.#inFlight++;
    task.writesInFlight++;
    task.recorded(write);
    if (!needsAnnotations(task, write)) task.lastWrite = this.#enqueue(task, write);
    else {
      const { resultBytes, depth } = this.#settings.limits;
      task.lastWrite = annotateOutcome(task, write, this.#handlers, this.#settings.logger, {
        bytes: resultBytes,
        depth,
      }).then((annotated): PromiseLike<WriteOutcome> => this.#enqueue(task, annotated));
    }
  }

  /**
   * Emits a handler's custom event to this process's listeners at once and, with the event log on, records it as a
   * write of its task that holds only the event, so that it is logged with the task's next commit (and not when
   * that write is fenced).
   */
  publish(task: ActiveTask, event: CustomEvent): void {
    this.#events.emit(event);
    if (!this.#logging) return;
    const write: TaskWrite = { taskId: task.info.taskId, events: [event] };
    this.#inFlight++;
    task.writesInFlight++;
    task.lastWrite = this.#queue.enqueue(write, task.snapshot, task.lease.token, (dropped) =>
      this.#committed(task, write, NO_EVENTS, dropped),
    );
  }

  /** Stores a new task, group-committed with the other creations of its batch. */
  create(request: NewTask): Promise<CreateTaskResult> {
    return this.#queue.create(request);
  }

  /** See {@link WriteQueue.reportLost}. */
  reportLost(taskId: string, error: unknown): void {
    this.#queue.reportLost(taskId, error);
  }

  /** How commits fare (see {@link WriteHealth}). */
  health(): WriteHealth {
    return this.#queue.health();
  }

  /** Resolves once no write is being prepared, queued or committed, including writes that commits set off. */
  async settle(): Promise<void> {
    while (this.#inFlight > 0) await new Promise<void>((resolve) => this.#settled.push(resolve));
  }

  /**
   * Queues `write` with its events: every one on the write when the log is on, else only those a listener of this
   * process wants. Built now rather than after the commit so that the store can append them with the write.
   */
  #enqueue(task: ActiveTask, write: TaskWrite): WriteHandle {
    if (write.task?.startedAt !== undefined) task.info.startedAt = write.task.startedAt;
    const events = eventsFromWrite(task.info, write, this.#logging ? EVERY_EVENT : this.#wanted);
    // Object.assign, not a spread: this runs for every write (see WriteQueue).
    const queued = this.#logging && events.length > 0 ? Object.assign({}, write, { events }) : write;
    return this.#queue.enqueue(queued, task.snapshot, task.lease.token, (dropped) =>
      this.#committed(task, queued, events, dropped),
    );
  }

  /**
   * After a write's batch committed: its events to this process's listeners and the runtime's follow-up when it is durable, the task dropped
   * when not. Whoever awaits the write's handle hears of it next.
   */
  #committed(
    task: ActiveTask,
    write: TaskWrite,
    events: readonly EngineEvent[],
    dropped: ReadonlyMap<string, string>,
  ): void {
    task.writesInFlight--;
    const why = dropped.get(task.info.taskId);
    if (why !== undefined) this.#host.notDurable(task.info.taskId, why);
    else {
      for (const event of events) if (this.#wanted(event.type)) this.#events.emit(event);
      task.wroteDurably(write);
      this.#host.durable(task, write);
    }
    if (--this.#inFlight === 0) for (const resolve of this.#settled.splice(0)) resolve();
  }
}
