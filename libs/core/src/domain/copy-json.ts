import type { JsonValue } from './json.js';

const roundTrip = (value: unknown): JsonValue => JSON.parse(JSON.stringify(value)) as JsonValue;

/** Values that `JSON.stringify` leaves out of an object and writes as `null` in an array. */
const isSkipped = (value: unknown) => value === undefined || typeof value === 'function' || typeof value === 'symbol';

function copy(value: unknown, depth: number): JsonValue {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'number') return Number.isFinite(value) ? (value === 0 ? 0 : value) : null;
    return value as JsonValue;
  }
  if (depth > 64) return roundTrip(value);
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return roundTrip(value);
    const array: JsonValue[] = new Array<JsonValue>(value.length);
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      array[index] = isSkipped(item) ? null : copy(item, depth + 1);
    }
    return array;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if ((prototype !== Object.prototype && prototype !== null) || 'toJSON' in value) return roundTrip(value);
  const object: Record<string, JsonValue> = {};
  for (const key of Object.keys(value)) {
    const item: unknown = (value as Record<string, unknown>)[key];
    if (isSkipped(item)) continue;
    // Assigning `__proto__` would set the prototype; the round trip makes it a plain property.
    if (key === '__proto__') return roundTrip(value);
    object[key] = copy(item, depth + 1);
  }
  return object;
}

/**
 * `JSON.parse(JSON.stringify(value))`, several times faster for what records, results and snapshots are made of:
 * plain objects, arrays and primitives are copied directly. Anything else (a `Date`, a class instance, a `toJSON`
 * method, a cycle, `undefined` or a function at the top) goes through the round trip, so the result (or the error
 * thrown) is always the same.
 */
export function copyJson(value: unknown): JsonValue {
  return isSkipped(value) || typeof value === 'bigint' ? roundTrip(value) : copy(value, 0);
}

/**
 * `structuredClone(value)`, without its cost (microseconds) for the empty object that a task's context or a step's
 * `config` often is: every task clones its context and each step's config.
 */
export function cloneValue<T>(value: T): T {
  const empty =
    typeof value === 'object' &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype &&
    Object.keys(value).length === 0;
  return empty ? ({} as T) : structuredClone(value);
}
