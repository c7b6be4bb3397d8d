import { readFileSync } from 'node:fs';
import { TASK_STATES, type JsonValue, type TaskState } from '@tasker/core';
import { InvalidArgumentError } from 'commander';

/** JSON given inline or, as `@path`, in a file: what `--context` and `--results` take. */
export function parseJson(value: string): JsonValue {
  let text = value;
  if (value.startsWith('@')) {
    try {
      text = readFileSync(value.slice(1), 'utf8');
    } catch (error) {
      throw new InvalidArgumentError(`cannot read ${value.slice(1)}: ${(error as Error).message}`);
    }
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new InvalidArgumentError(`not JSON: ${(error as Error).message}`);
  }
}

/** A JSON object (a task's context). */
export function parseJsonObject(value: string): { [key: string]: JsonValue } {
  const parsed = parseJson(value);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidArgumentError('must be a JSON object');
  }
  return parsed;
}

/** `namespace/name` or `namespace/name@version-or-range`. */
export function parseTemplateRef(value: string): { namespace: string; name: string; version?: string } {
  const match = /^([^/@\s]+)\/([^/@\s]+)(?:@(\S+))?$/.exec(value);
  if (!match) throw new InvalidArgumentError('expected namespace/name or namespace/name@version (a semver range too)');
  const [, namespace, name, version] = match;
  return { namespace: namespace!, name: name!, ...(version === undefined ? {} : { version }) };
}

/** Task states, comma-separated, each one of the engine's. */
export function parseStates(value: string): TaskState[] {
  const states = value.split(',').map((state) => state.trim());
  const unknown = states.filter((state) => !(TASK_STATES as readonly string[]).includes(state));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(`unknown state ${unknown.join(', ')}; the states are ${TASK_STATES.join(', ')}`);
  }
  return states as TaskState[];
}

const SPANS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A time to list from: a span back from now (`30m`, `2h`, `7d`) or an ISO date; ms since the epoch. */
export function parseSince(value: string, now = Date.now()): number {
  const span = /^(\d+)([smhd])$/.exec(value);
  if (span) return now - Number(span[1]) * SPANS[span[2]!]!;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new InvalidArgumentError('expected a span back from now (30m, 2h, 7d) or an ISO date');
  return time;
}

/** A whole number from 1 to 500 (a page of tasks). */
export function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new InvalidArgumentError('expected 1 to 500');
  return limit;
}

/** A whole number of milliseconds, 1 or more (a task's deadline). */
export function parseMilliseconds(value: string): number {
  const ms = Number(value);
  if (!Number.isSafeInteger(ms) || ms < 1)
    throw new InvalidArgumentError('expected a whole number of milliseconds, 1 or more');
  return ms;
}

/** A comma-separated list of names. */
export function parseList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
