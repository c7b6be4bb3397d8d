import { isTaskTerminal } from '../domain/states.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { ScheduleStore } from '../store/schedule-store.js';
import type { TaskQueries } from '../store/task-queries.js';
import { TaskerError } from '../errors/tasker-error.js';
import { cronTimes } from './cron-times.js';
import { planFires } from './plan-fires.js';
import { settledBy } from '../engine/settled-by.js';
import { NEVER_FIRES, type ScheduleRecord } from './schedule.js';

/** Starts the task of one fire of a schedule; answers the task's id (the existing one when fired already). */
export type FireSchedule = (schedule: ScheduleRecord, scheduledFor: number) => Promise<{ taskId: string }>;

/**
 * How late a fire time may be found and still count as on time rather than missed (see `planFires`): a minute, or
 * two poll intervals when longer, since a worker that did not set the timer finds a time by polling.
 */
export function onTimeMs(pollIntervalMs: number): number {
  return Math.max(60_000, 2 * pollIntervalMs);
}

/** What the scheduler needs. */
export interface SchedulerSettings {
  store: ScheduleStore & Pick<TaskQueries, 'getTask'>;
  clock: Clock;
  logger: Logger;
  /** How often the loop reads the schedules at least (another worker may have added one). */
  pollIntervalMs: number;
  fire: FireSchedule;
}

/**
 * The idempotency key of a schedule's task for one fire time: the task log's unique key on it makes a second fire
 * of the same time, by this worker or another, return the first task instead of starting another.
 */
export function scheduleFireKey(scheduleId: string, scheduledFor: number): string {
  return `schedule:${scheduleId}:${new Date(scheduledFor).toISOString()}`;
}

/**
 * The loop that fires schedules, one per engine. Any worker whose loop finds a schedule due fires it: it starts the
 * task of each fire time (`catchUp` decides which, see `planFires`) under {@link scheduleFireKey}, then advances
 * the schedule's next fire time by a compare-and-set. Two workers that find the same time due start one task
 * between them (the key), and one of them advances the schedule (the CAS); a worker that dies between the two
 * leaves the time due, and whoever fires it next gets the task already started.
 */
export class Scheduler {
  readonly #settings: SchedulerSettings;
  #timer: unknown;
  #running = false;
  #scan: Promise<void> | undefined;
  #scanAgain = false;

  constructor(settings: SchedulerSettings) {
    this.#settings = settings;
  }

  /** Scans now, then whenever a schedule falls due or every `pollIntervalMs`. */
  start(): void {
    this.#running = true;
    this.wake();
  }

  /**
   * Stops scanning and waits for a scan under way, until `deadline` (ms since the epoch, the wall clock's) at the
   * latest: a store that does not answer must not hold a stop. A scan left running fires nothing more once it sees
   * the loop stopped, and what it fired is durable or not started.
   */
  async stop(deadline: number): Promise<void> {
    this.#running = false;
    this.#settings.clock.clearTimeout(this.#timer);
    if (this.#scan) await settledBy(this.#scan, deadline);
  }

  /** Scans at once (a schedule changed): after the scan under way, if any. */
  wake(): void {
    if (!this.#running) return;
    if (this.#scan) {
      this.#scanAgain = true;
      return;
    }
    this.#settings.clock.clearTimeout(this.#timer);
    this.#scan = this.#scanOnce().finally(() => {
      this.#scan = undefined;
      if (this.#scanAgain) {
        this.#scanAgain = false;
        this.wake();
      }
    });
  }

  async #scanOnce(): Promise<void> {
    const { store, clock, logger, pollIntervalMs } = this.#settings;
    let wakeAt = clock.now() + pollIntervalMs;
    try {
      for (const schedule of await store.listSchedules()) {
        if (!this.#running) return;
        const next = schedule.nextFireAt <= clock.now() ? await this.#fireDue(schedule) : schedule.nextFireAt;
        wakeAt = Math.min(wakeAt, next);
      }
    } catch (error) {
      logger.warn({ err: error }, 'reading the schedules failed; trying again shortly');
    }
    if (this.#running) {
      this.#timer = clock.setTimeout(() => this.wake(), Math.max(0, wakeAt - clock.now()));
    }
  }

  /** Fires what is due of `schedule` and advances it; answers when to look at it again. */
  async #fireDue(schedule: ScheduleRecord): Promise<number> {
    const { store, clock, logger, pollIntervalMs } = this.#settings;
    const now = clock.now();
    const plan = planFires(schedule, cronTimes(schedule.cron, schedule.timezone), now, onTimeMs(pollIntervalMs));
    let lastTaskId = schedule.lastTaskId;
    for (const scheduledFor of plan.fireAt) {
      // Stopped meanwhile: the times not fired stay due, for the next scan anywhere.
      if (!this.#running) return NEVER_FIRES;
      if (schedule.overlap === 'skip' && lastTaskId !== undefined && (await this.#unfinished(lastTaskId))) {
        logger.info(
          { scheduleId: schedule.id, scheduledFor, lastTaskId },
          'schedule fire skipped: its previous task is unfinished',
        );
        continue;
      }
      try {
        lastTaskId = (await this.#settings.fire(schedule, scheduledFor)).taskId;
      } catch (error) {
        if (error instanceof TaskerError && error.code === 'TEMPLATE_NOT_FOUND') {
          // Another worker may know the template (a rolling deployment): the time stays due for it.
          logger.warn({ err: error, scheduleId: schedule.id }, 'schedule not fired: its template is unknown here');
          return now + pollIntervalMs;
        }
        logger.error({ err: error, scheduleId: schedule.id, scheduledFor }, 'schedule fire refused; skipped');
      }
    }
    if (plan.skipped > 0)
      logger.warn({ scheduleId: schedule.id, skipped: plan.skipped }, 'missed schedule fire times skipped');
    const nextFireAt = plan.nextFireAt ?? NEVER_FIRES;
    await store.advanceSchedule(schedule.id, schedule.nextFireAt, {
      nextFireAt,
      updatedAt: now,
      ...(lastTaskId === undefined ? {} : { lastTaskId }),
    });
    return nextFireAt;
  }

  async #unfinished(taskId: string): Promise<boolean> {
    const task = await this.#settings.store.getTask(taskId);
    return task !== undefined && !isTaskTerminal(task.state);
  }
}
