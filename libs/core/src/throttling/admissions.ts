import type { AnyActorRef } from 'xstate';
import type { ConcurrencyLimit, RateLimit } from '../domain/template.js';
import { parseValuePath, readValuePath, type ValuePath } from '../expressions/value-path.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { ConcurrencyLimits, HeldSlot } from '../store/concurrency-limits.js';
import type { RateLimits } from '../store/rate-limits.js';
import type { ActiveTask } from '../engine/active-task.js';

/** How long a step waits before asking again when the store failed to answer its admission. */
const STORE_FAILURE_RETRY_MS = 1_000;

/** What the admissions need from the engine. */
export interface AdmissionHost {
  activeTask(taskId: string): ActiveTask | undefined;
  clock: Clock;
  logger: Logger;
}

/** A step of a task, as this engine tracks its slot and its throttling. */
const stepOf = (taskId: string, stepName: string) => `${taskId}/${stepName}`;

/**
 * The holder of a step's slot in the store: the step under the lease that asks, so that asking again under that
 * lease keeps the slot, while a worker that lost the task (frozen, then awake) releases only its own slot, never
 * the one the step holds under the new worker's lease.
 */
const holderOf = (task: ActiveTask, stepName: string) => `${stepOf(task.info.taskId, stepName)}#${task.lease.token}`;

/**
 * Admits the attempts of steps with a concurrency key or a rate limit: takes a slot of the key's semaphore, then a
 * token of the rate limit's bucket, from the store, which every worker shares; answers the step actor `ADMITTED`, or
 * `THROTTLED` with when to ask again (the next token, or the first lease end among the key's slots). It keeps the
 * slots this engine holds, for their renewal with the tasks' leases and their release when the attempt ends, and the
 * throttled steps, which it tells to ask again when the store announces a release ({@link wakeThrottled}).
 *
 * A key is the step's template and name with the value its path reads (`ecommerce/process_order/process_payment:"m-1"`),
 * so steps of every version of a template share it; a path that reads nothing keys as `null`.
 */
export class Admissions {
  readonly #store: ConcurrencyLimits & RateLimits;
  readonly #host: AdmissionHost;
  readonly #paths = new Map<string, ValuePath>();
  /** Slots this engine holds, by step (`<taskId>/<step>`), with their task. */
  readonly #held = new Map<string, { taskId: string; slot: HeldSlot }>();
  /** Step actors told `THROTTLED`, by step: asked again on the next announcement. */
  readonly #throttled = new Map<string, AnyActorRef>();
  /** Announcements of released slots (or other work) seen so far: a refusal that crossed one asks again. */
  #announcements = 0;

  constructor(store: ConcurrencyLimits & RateLimits, host: AdmissionHost) {
    this.#store = store;
    this.#host = host;
  }

  /** Whether the step has a concurrency key or a rate limit. */
  isThrottled(taskId: string, stepName: string): boolean {
    const settings = this.#host.activeTask(taskId)?.steps.get(stepName)?.settings;
    return settings?.concurrency !== undefined || settings?.rateLimit !== undefined;
  }

  /** Asks for the step's slot and token and answers `step` (see the class). */
  admit(taskId: string, stepName: string, step: AnyActorRef): void {
    const task = this.#host.activeTask(taskId);
    if (!task) return;
    const announcementsBefore = this.#announcements;
    void this.#admit(task, stepName).then(
      (retryAt) => this.#answer(taskId, stepName, step, retryAt, announcementsBefore),
      (error: unknown) => {
        this.#host.logger.warn({ err: error, taskId, stepName }, 'asking the store to admit a throttled step failed');
        this.#answer(taskId, stepName, step, this.#host.clock.now() + STORE_FAILURE_RETRY_MS, announcementsBefore);
      },
    );
  }

  /** Gives back the step's slot, if this engine holds it; the store announces the release to every worker. */
  releaseSlot(taskId: string, stepName: string): void {
    const step = stepOf(taskId, stepName);
    this.#throttled.delete(step);
    const held = this.#held.get(step);
    if (!held) return;
    this.#held.delete(step);
    this.#store.releaseSlot(held.slot).catch((error: unknown) => {
      // Its lease ends it: the slot is free once the task's lease would have lapsed.
      this.#host.logger.warn({ err: error, taskId, stepName }, 'releasing a concurrency slot failed');
    });
  }

  /** Extends the slots held for `taskIds` (their leases were just renewed) to `until`. */
  renew(taskIds: ReadonlySet<string>, until: number): void {
    const slots = [...this.#held.values()].filter((held) => taskIds.has(held.taskId)).map((held) => held.slot);
    if (slots.length === 0) return;
    this.#store.renewSlots(slots, until).catch((error: unknown) => {
      this.#host.logger.warn({ err: error }, 'renewing concurrency slots failed');
    });
  }

  /**
   * Forgets the slots and throttled steps of a task this engine lets go of (passivated, stopped, dropped), without
   * releasing the slots: a task whose lease another worker may hold now must not free what that worker counts on.
   * They free when their lease ends, as the task's lease would.
   */
  forget(taskId: string): void {
    for (const [step, held] of this.#held) if (held.taskId === taskId) this.#held.delete(step);
    const prefix = `${taskId}/`;
    for (const step of this.#throttled.keys()) if (step.startsWith(prefix)) this.#throttled.delete(step);
  }

  /** A slot was released somewhere: every throttled step asks again (those still throttled wait on). */
  wakeThrottled(): void {
    this.#announcements++;
    const throttled = [...this.#throttled.values()];
    this.#throttled.clear();
    for (const step of throttled) if (step.getSnapshot().status === 'active') step.send({ type: 'ADMISSION_OPEN' });
  }

  /** Takes the slot, then the token (giving the slot back when none is left); when to ask again, or `undefined`. */
  async #admit(task: ActiveTask, stepName: string): Promise<number | undefined> {
    const { concurrency, rateLimit } = task.steps.get(stepName)!.settings;
    const now = this.#host.clock.now();
    const holder = holderOf(task, stepName);
    let slot: HeldSlot | undefined;
    if (concurrency) {
      slot = { key: this.#keyOf(task, stepName, concurrency), holder };
      const grant = await this.#store.acquireSlot({ ...slot, limit: concurrency.limit, until: task.leaseUntil, now });
      if (!grant.acquired) return grant.retryAt;
      this.#held.set(stepOf(task.info.taskId, stepName), { taskId: task.info.taskId, slot });
    }
    if (rateLimit) {
      const key = this.#keyOf(task, stepName, rateLimit);
      const grant = await this.#store.takeToken({ key, limit: rateLimit.limit, periodMs: rateLimit.periodMs, now });
      if (!grant.granted) {
        if (slot) this.releaseSlot(task.info.taskId, stepName);
        return grant.retryAt;
      }
    }
    return undefined;
  }

  /**
   * Tells the step, if it still asks: a step cancelled or dropped meanwhile gives its new slot back. A step refused
   * while a release was announced (after `announcementsBefore`) asks again at once: the store may have answered before
   * that release, whose announcement found the step not yet throttled.
   */
  #answer(
    taskId: string,
    stepName: string,
    step: AnyActorRef,
    retryAt: number | undefined,
    announcementsBefore: number,
  ): void {
    const snapshot = step.getSnapshot() as { status: string; matches(state: string): boolean };
    const asking =
      snapshot.status === 'active' && (snapshot.matches('admitting') || snapshot.matches('throttled.asking'));
    if (!asking) {
      this.releaseSlot(taskId, stepName);
      return;
    }
    if (retryAt === undefined) {
      step.send({ type: 'ADMITTED' });
      return;
    }
    step.send({ type: 'THROTTLED', retryAt });
    // Only this step asks again, and counting no announcement: two such steps never wake each other in turn.
    if (this.#announcements !== announcementsBefore) step.send({ type: 'ADMISSION_OPEN' });
    else this.#throttled.set(stepOf(taskId, stepName), step);
  }

  #keyOf(task: ActiveTask, stepName: string, limit: ConcurrencyLimit | RateLimit): string {
    let path = this.#paths.get(limit.key);
    if (!path) {
      path = parseValuePath(limit.key);
      this.#paths.set(limit.key, path);
    }
    const results = path.step === undefined ? undefined : { [path.step]: task.resultOf(path.step) };
    const value = readValuePath(path, { context: task.info.context, ...(results && { results }) }) ?? null;
    const { namespace, name } = task.info;
    return `${namespace}/${name}/${stepName}:${JSON.stringify(value)}`;
  }
}
