import type { WaitingFor } from '../domain/records.js';

/**
 * Thrown through a step's handler when it must wait (`ctx.waitForSignal` without the signal yet, a sleep not yet
 * over): the attempt ends without an outcome, the step records `waiting` with `waitingFor`, and the handler runs
 * again when the signal comes or `until` is reached. `since` is when the wait began, kept so that the run after a
 * wake-up counts a timeout from the same moment.
 */
export class WaitRequest extends Error {
  constructor(
    readonly waitingFor: WaitingFor,
    readonly since: number,
  ) {
    super(
      waitingFor.signal === undefined
        ? `waiting until ${new Date(waitingFor.until ?? 0).toISOString()}`
        : `waiting for signal '${waitingFor.signal}'`,
    );
    this.name = 'WaitRequest';
  }
}
