import type { EventPattern } from './events.js';

/** Whether an event of `type` matches `pattern`: `'*'` matches all, `'step.*'` every `step.` type, else equality. */
export function eventMatches(pattern: EventPattern | string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}
