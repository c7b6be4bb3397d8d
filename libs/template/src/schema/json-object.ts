import * as z from 'zod';

type Found = { path: Array<string | number>; message: string };

/** The first value under `value` that JSON cannot carry (an infinite number, a date, a binary), with its path. */
function firstNonJson(value: unknown, path: Array<string | number> = []): Found | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number')
    return Number.isFinite(value) ? undefined : { path, message: `${value} is not a JSON number` };
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = firstNonJson(item, [...path, index]);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) {
      const found = firstNonJson(item, [...path, key]);
      if (found) return found;
    }
    return undefined;
  }
  return { path, message: 'is not a JSON value (a string, number, boolean, null, list or mapping)' };
}

/**
 * A mapping of JSON values (`handler_config`, `schema`). Hand-written rather than `z.json()` so that a bad value
 * yields one issue at its own path instead of a union of every JSON type.
 */
export const jsonObject = z
  .record(z.string(), z.unknown(), {
    error: (issue) => (issue.input === undefined ? 'is required' : 'must be a mapping of JSON values'),
  })
  .superRefine((value, ctx) => {
    const found = firstNonJson(value);
    if (found) ctx.addIssue({ code: 'custom', path: found.path, message: found.message, input: value });
  });
