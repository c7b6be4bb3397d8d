import { Cron } from 'croner';
import { InvalidRequestError } from '../errors/invalid-request-error.js';

/** A schedule's cron expression read in its time zone: the fire times after a given time. */
export interface CronTimes {
  /** The first fire time strictly after `after` (ms since the epoch); `undefined` when the expression has none. */
  after(after: number): number | undefined;
}

/**
 * Reads a cron expression (five fields, or six with seconds first) in `timezone` (UTC when absent).
 * @throws InvalidRequestError naming `field` (`cron`, or `timezone` for an unknown zone) and the parser's reason.
 */
export function cronTimes(cron: string, timezone: string | undefined, field = 'cron'): CronTimes {
  let parsed: Cron;
  try {
    parsed = new Cron(cron, { timezone: timezone ?? 'UTC', paused: true });
  } catch (error) {
    throw new InvalidRequestError(field, `'${cron}' is not a cron expression: ${(error as Error).message}`);
  }
  const after = (at: number) => parsed.nextRun(new Date(at))?.getTime();
  try {
    after(0);
  } catch (error) {
    // croner checks the zone on first use only.
    throw new InvalidRequestError(
      field.replace(/cron$/, 'timezone'),
      `'${timezone}' is not a time zone: ${(error as Error).message}`,
    );
  }
  return { after };
}
