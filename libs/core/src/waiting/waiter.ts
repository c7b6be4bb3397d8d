import type { JsonValue } from '../domain/json.js';
import { PermanentError } from '../errors/permanent-error.js';
import { SignalTimeoutError } from '../errors/signal-timeout-error.js';
import { WaitRequest } from './wait-request.js';

/** What one attempt's waits need to know. */
export interface WaiterInput {
  stepName: string;
  /** The engine clock's time. */
  now(): number;
  /** When the step began the wait it is in, if this attempt was woken from one; waits count from there. */
  waitSince: number | undefined;
  /** The signals the task has received, by name. */
  signal(name: string): JsonValue | undefined;
  /** Whether the task's template declares the signal `name`. */
  declares(name: string): boolean;
}

/**
 * The waits of one attempt: each either answers at once (the signal is there, the time has come) or throws a
 * {@link WaitRequest}, which ends the attempt and puts the step in `waiting`. The handler runs again on wake-up and
 * reaches the same wait, which then answers: a handler that waits is replayed up to its wait, so what it does
 * before it must be idempotent, as any step's work already is.
 */
export class Waiter {
  readonly #input: WaiterInput;

  constructor(input: WaiterInput) {
    this.#input = input;
  }

  /** When the wait began: on the first run, now. */
  get #since(): number {
    return this.#input.waitSince ?? this.#input.now();
  }

  /**
   * The payload of the signal `name`, when the task received it; otherwise waits for it (at most `timeoutMs`).
   * @throws PermanentError for a signal the template does not declare (a mistake no retry mends); SignalTimeoutError
   *   past the timeout.
   */
  signal(name: string, timeoutMs?: number): JsonValue {
    if (!this.#input.declares(name)) {
      throw new PermanentError(
        `waitForSignal: signal '${name}' is not declared by the task's template (its signal steps or 'signals')`,
        { code: 'SIGNAL_NOT_DECLARED' },
      );
    }
    if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0)) {
      throw new PermanentError('waitForSignal: timeoutMs must be a positive number of milliseconds', {
        code: 'INVALID_REQUEST',
      });
    }
    const payload = this.#input.signal(name);
    if (payload !== undefined) return payload;
    const until = timeoutMs === undefined ? undefined : this.#since + timeoutMs;
    if (until !== undefined && this.#input.now() >= until) {
      throw new SignalTimeoutError(this.#input.stepName, name, timeoutMs!);
    }
    throw new WaitRequest({ signal: name, ...(until === undefined ? {} : { until }) }, this.#since);
  }

  /** Returns `at` once it (ms since the epoch) has come; waits for it otherwise. */
  until(at: number): number {
    if (this.#input.now() < at) throw new WaitRequest({ until: at }, this.#since);
    return at;
  }

  /** Returns when the wait ends, once `ms` have passed since it began; waits for them otherwise. */
  for(ms: number): number {
    return this.until(this.#since + ms);
  }
}
