import type { JsonObject, JsonValue } from '../domain/json.js';
import type { WaitSettings } from '../domain/template.js';
import { PermanentError } from '../errors/permanent-error.js';
import type { Waiter } from './waiter.js';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T|$)/;

/** A time given as epoch milliseconds or an ISO 8601 string, or `undefined` when `value` is neither. */
function timeOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string' || !ISO_TIME.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}

/**
 * When a sleep step's `until` falls: the ISO time it gives, or the time held at its dotted path in the task's
 * context (`ship_at`, `order.release_at`).
 * @throws PermanentError naming the path when it holds no time: the step cannot sleep, and retrying will not help.
 */
export function resolveUntil(until: string, context: JsonObject, stepName: string): number {
  const literal = timeOf(until);
  if (literal !== undefined) return literal;
  let value: unknown = context;
  for (const key of until.split('.')) {
    value =
      typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject)[key] : undefined;
  }
  const at = timeOf(value);
  if (at === undefined) {
    throw new PermanentError(
      `Step '${stepName}' sleeps until '${until}', which is neither an ISO time nor a context path holding one (found ${JSON.stringify(value) ?? 'nothing'})`,
      { code: 'INVALID_SETTING' },
    );
  }
  return at;
}

/**
 * The work of a sleep or signal step, which has no handler of its own: a sleep returns `{ slept_until }` once its
 * time has come, a signal step the signal's payload once it came. Until then the waiter ends the attempt with a
 * wait (see {@link Waiter}).
 */
export function runWaitStep(wait: WaitSettings, waiter: Waiter, context: JsonObject, stepName: string): JsonValue {
  if (wait.kind === 'signal') return waiter.signal(wait.signal, wait.timeoutMs);
  const at =
    wait.until === undefined
      ? waiter.for(wait.durationMs ?? 0)
      : waiter.until(resolveUntil(wait.until, context, stepName));
  return { slept_until: new Date(at).toISOString() };
}
