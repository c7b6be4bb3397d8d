import type { JsonValue } from '../domain/json.js';

/** A signal sent to a task (`engine.signal`), as the store keeps it until the task is deleted. */
export interface SentSignal {
  taskId: string;
  /** The signal's name, declared by the task's template. */
  name: string;
  /** What the signal carries: the result of the signal step that waits for it. */
  payload: JsonValue;
  /** When it was sent (ms since the epoch, the sending engine's clock). */
  sentAt: number;
}

/**
 * What {@link TaskSignals.sendSignal} did: stored the signal (`sent`), or stored nothing because the task already
 * has a signal of that name (`duplicate`), does not exist (`task_not_found`) or is finished (`task_finished`).
 */
export type SendSignalOutcome = 'sent' | 'duplicate' | 'task_not_found' | 'task_finished';

/**
 * The signals sent to tasks: kept durably from the moment they are sent, whether or not a step waits for them yet,
 * and read when a task is loaded.
 *
 * Promises:
 * - A task keeps at most one signal of each name; the first one sent stays.
 * - A signal is stored only for an unfinished task, checked in the same statement or script that stores it.
 * - Storing a signal for a task no unexpired lease holds makes it claimable at once (a passivated task wakes), and
 *   announces work like a released lease; a task a worker holds is left to that worker, which reads the signal
 *   when it lets go of the task or loads it next.
 */
export interface TaskSignals {
  /** Stores `signal` for its task, if that task is unfinished and has none of its name yet. */
  sendSignal(signal: SentSignal): Promise<SendSignalOutcome>;
  /** The signals task `taskId` received, oldest first; none for an unknown task. */
  readSignals(taskId: string): Promise<SentSignal[]>;
}
