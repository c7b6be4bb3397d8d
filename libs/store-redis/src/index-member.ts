import type { decodeTaskCursor } from '@tasker/core';

type TaskCursor = ReturnType<typeof decodeTaskCursor>;

const TIME_DIGITS = 16;

/**
 * A creation time as 16 zero-padded digits, so that string order is time order. Whole milliseconds: a fractional
 * time is floored (and a negative one counts as 0) in the index only; the task keeps its exact `createdAt`.
 */
function sortableTime(ms: number): string {
  const whole = Number.isFinite(ms) ? Math.max(0, Math.floor(ms)) : 0;
  return String(whole).padStart(TIME_DIGITS, '0');
}

/**
 * The member of a task in every index: `<time> <id>`. All members have score 0, so Redis orders them by these
 * bytes: by creation time, then by id, the order `listTasks` pages through.
 */
export function indexMember(createdAt: number, taskId: string): string {
  return `${sortableTime(createdAt)} ${taskId}`;
}

/** The task id of an index member. */
export function taskIdOfMember(member: string): string {
  return member.slice(TIME_DIGITS + 1);
}

/** The order Redis gives members of equal score: their bytes compared (memcmp), as `Buffer.compare` does. */
export function compareMembers(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** A `ZRANGE ... BYLEX` range: `max` and `min` in Redis' bound syntax (`(x`, `[x`, `+`, `-`). */
export interface LexRange {
  max: string;
  min: string;
}

/**
 * The index range of tasks newest first after `cursor` and within `[createdFrom, createdTo)`.
 *
 * `(<time> <id>` excludes the cursor's task and everything after it in newest-first order; `(<time>` alone
 * excludes every member of that millisecond, which is what an exclusive `createdTo` means.
 */
export function pageRange(filter: { cursor?: TaskCursor; createdFrom?: number; createdTo?: number }): LexRange {
  const uppers: string[] = [];
  if (filter.cursor) uppers.push(indexMember(filter.cursor.createdAt, filter.cursor.id));
  if (filter.createdTo !== undefined) uppers.push(sortableTime(Math.ceil(filter.createdTo)));
  uppers.sort();
  const upper = uppers[0];
  return {
    max: upper === undefined ? '+' : `(${upper}`,
    min: filter.createdFrom === undefined ? '-' : `[${sortableTime(Math.ceil(filter.createdFrom))}`,
  };
}
