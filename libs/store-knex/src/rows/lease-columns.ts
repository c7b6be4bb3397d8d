import { UNFINISHED_TASK_STATES, isTaskUnfinished, type NewTask, type TaskPatch } from '@tasker/core';
import type { Column } from './column.js';
import { changesOf } from '../sql/row-update.js';
import { TASK_PATCH_COLUMNS } from './task-columns.js';

/**
 * The lease columns of the tasks table (migration 003): not fields of `TaskRecord`, which tells what a task is, but
 * who runs it. `claimable_at` is the lease's expiry while held, the wake-up time while free, NULL once finished.
 */
export const LEASE_OWNER: Column = { field: 'leaseOwner', column: 'lease_owner', kind: 'text' };
export const LEASE_TOKEN: Column = { field: 'leaseToken', column: 'lease_token', kind: 'int' };
export const CLAIMABLE_AT: Column = { field: 'claimableAt', column: 'claimable_at', kind: 'time' };
export const LEASE_COLUMNS: readonly Column[] = [LEASE_OWNER, LEASE_TOKEN, CLAIMABLE_AT];

/** The states a claim takes tasks in, as an SQL list. */
export const UNFINISHED_STATES_SQL = `(${UNFINISHED_TASK_STATES.map((state) => `'${state}'`).join(', ')})`;

const isUnfinished = isTaskUnfinished;

/**
 * The lease column values of a new task: leased to its creator with token 1, or claimable from its `runAt` (a
 * delayed task) or else its creation.
 */
export function newTaskLease({ task, lease, claimableAt }: NewTask): unknown[] {
  if (lease) return [lease.workerId, 1, lease.until];
  return [null, 0, isUnfinished(task.state) ? (claimableAt ?? task.runAt ?? task.createdAt) : null];
}

/** The columns a task patch changes, lease columns included: a write to a finished state ends the lease. */
export function taskChangesOf(patch: TaskPatch): Array<[Column, unknown]> {
  const changes = changesOf(patch, TASK_PATCH_COLUMNS);
  if (patch.state !== undefined && !isUnfinished(patch.state))
    changes.push([LEASE_OWNER, undefined], [CLAIMABLE_AT, undefined]);
  return changes;
}
