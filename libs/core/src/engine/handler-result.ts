import { findJsonProblem, type JsonCaps } from '../domain/check-json.js';
import { copyJson } from '../domain/copy-json.js';
import type { JsonValue } from '../domain/json.js';
import { PermanentError } from '../errors/permanent-error.js';

/**
 * The handler's result as JSON, copied; `undefined` becomes `null`. A result that breaks the engine's JSON rule fails
 * the step for good (`INVALID_RESULT`): the same handler would return the same value again, and no store could keep
 * it.
 */
export function toJson(value: unknown, caps: JsonCaps): JsonValue {
  if (value === undefined) return null;
  const problem = findJsonProblem(value, 'results', caps);
  if (problem) throw new PermanentError(`${problem.path}: ${problem.message}`, { code: 'INVALID_RESULT' });
  return copyJson(value);
}
