import type { Lease, LeaseRelease } from '@tasker/core';
import type { Fragment } from './postgres-fragments.js';

/**
 * `l (id, token, wake_at) AS (VALUES ...)`: leases as a table to join on, typed by casts so that Postgres compares
 * them with the columns (SQLite takes the casts as they are).
 */
export function leaseList(leases: readonly (Lease | LeaseRelease)[]): Fragment {
  const rows = leases.map(() => '(CAST(? AS text), CAST(? AS integer), CAST(? AS bigint))').join(', ');
  return {
    sql: `l ("id", "token", "wake_at") AS (VALUES ${rows})`,
    bindings: leases.flatMap((lease) => [lease.taskId, lease.token, 'wakeAt' in lease ? (lease.wakeAt ?? null) : null]),
  };
}
