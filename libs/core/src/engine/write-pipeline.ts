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

/**
 * The way of a write from the machines to the store and back: recorded (a task handler's annotations added to a
 * task's outcome), queued and group-committed by the {@link WriteQueue}, then its events emitted and the task
 * runtime told. Counts the writes on their way, so that stopping can wait for them.
 */
export class WritePipeline {
  readonly #queue: WriteQueue;
  readonly #settings: Pick<EngineSettings, 'logger' | 'limits'>;
  readonly #events: EventBus;
  readonly #handlers: HandlerRegistry;
  readonly #host: WritePipelineHost;
  #inFlight = 0;
  #settled: Array<() => void> = [];

  constructor(
    settings: Pick<EngineSettings, 'store' | 'logger' | 'clock' | 'limits'>,
    events: EventBus,
    handlers: HandlerRegistry,
    host: WritePipelineHost,
  ) {
    this.#settings = settings;
    this.#events = events;
    this.#handlers = handlers;
    this.#host = host;
    this.#queue = new WriteQueue(settings.store, settings.logger, {
      now: () => settings.clock.now(),
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

  /** Stores a new task, group-committed with the other creations of its batch. */
  create(task: NewTask['task'], steps: NewTask['steps'], lease?: NewTask['lease']): Promise<CreateTaskResult> {
    return this.#queue.create(task, steps, lease);
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

  #enqueue(task: ActiveTask, write: TaskWrite): WriteHandle {
    return this.#queue.enqueue(write, task.snapshot, task.lease.token, (dropped) =>
      this.#committed(task, write, dropped),
    );
  }

  /**
   * After a write's batch committed: its events and the runtime's follow-up when it is durable, the task dropped
   * when not. Whoever awaits the write's handle hears of it next.
   */
  #committed(task: ActiveTask, write: TaskWrite, dropped: ReadonlyMap<string, string>): void {
    task.writesInFlight--;
    const why = dropped.get(task.info.taskId);
    if (why !== undefined) this.#host.notDurable(task.info.taskId, why);
    else {
      if (write.task?.startedAt !== undefined) task.info.startedAt = write.task.startedAt;
      for (const event of eventsFromWrite(task.info, write, (type) => this.#events.wants(type))) {
        this.#events.emit(event);
      }
      task.wroteDurably(write);
      this.#host.durable(task, write);
    }
    if (--this.#inFlight === 0) for (const resolve of this.#settled.splice(0)) resolve();
  }
}
