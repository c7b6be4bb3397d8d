import { InvalidRequestError } from '../errors/invalid-request-error.js';
import { EVENT_TYPES, type EventPattern } from './events.js';

/** Whether an event of `type` matches `pattern`: `'*'` matches all, `'step.*'` every `step.` type, else equality. */
export function eventMatches(pattern: EventPattern | string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/**
 * Refuses a list of event patterns that names no known event: each must be `'*'`, `'task.*'`, `'step.*'`, an
 * engine event's name, `'custom.*'` or `'custom.<name>'`.
 * @throws InvalidRequestError naming `field[i]` and the pattern.
 */
export function checkEventPatterns(field: string, patterns: unknown): asserts patterns is EventPattern[] {
  if (!Array.isArray(patterns) || patterns.length === 0)
    throw new InvalidRequestError(field, 'must be a non-empty array of event names or patterns');
  patterns.forEach((pattern: unknown, index) => {
    if (!isEventPattern(pattern))
      throw new InvalidRequestError(
        `${field}[${index}]`,
        `'${String(pattern)}' is no event type: use '*', 'task.*', 'step.*', an event name such as 'task.completed', 'custom.*' or 'custom.<name>'`,
      );
  });
}

function isEventPattern(pattern: unknown): pattern is EventPattern {
  if (typeof pattern !== 'string') return false;
  if (WILDCARDS.has(pattern) || (EVENT_TYPES as readonly string[]).includes(pattern)) return true;
  return /^custom\.[^\s*]+$/.test(pattern);
}

const WILDCARDS = new Set(['*', 'task.*', 'step.*', 'custom.*']);
