import { SimulatedClock } from 'xstate';
import { describe, expect, test } from 'vitest';
import type { Lease } from '../store/leases.js';
import type { TaskLeasing } from '../store/task-leasing.js';
import { deferred, type Deferred } from '../testing/deferred.js';
import { LeaseKeeper, type LeaseHolder } from './lease-keeper.js';

const LEASE_MS = 3_000;
import { silentLogger } from '../ports/logger.js';

/** A store whose renewals answer only when the test says so, counting them. */
function heldRenewals() {
  const pending: Array<Deferred<string[]>> = [];
  const store = {
    renewLeases: () => {
      const answer = deferred<string[]>();
      pending.push(answer);
      return answer.promise;
    },
  } as unknown as TaskLeasing;
  return { store, pending };
}

const holder: LeaseHolder = {
  freeSlots: () => 0,
  run() {},
  held: (): Lease[] => [{ taskId: 'task-1', token: 1 }],
  renewed() {},
  lost() {},
  workAnnounced() {},
};

describe('the lease keeper heartbeat', () => {
  test('stopped and started again while a renewal is out, it beats once per interval, not twice', async () => {
    const clock = new SimulatedClock();
    const { store, pending } = heldRenewals();
    const keeper = new LeaseKeeper(
      store,
      clock,
      silentLogger,
      { workerId: 'w', leaseMs: LEASE_MS, pollIntervalMs: 1_000 },
      holder,
    );

    keeper.keepAlive();
    clock.increment(LEASE_MS / 3);
    expect(pending).toHaveLength(1);

    const stopping = keeper.stopHeartbeat();
    keeper.keepAlive();
    pending[0]!.resolve([]);
    await stopping;

    clock.increment(LEASE_MS / 3);
    expect(pending).toHaveLength(2);
    pending[1]!.resolve([]);
    await Promise.resolve();
    await Promise.resolve();
    clock.increment(LEASE_MS / 3);
    expect(pending).toHaveLength(3);

    pending[2]!.resolve([]);
    await keeper.stopHeartbeat();
    clock.increment(LEASE_MS);
    expect(pending).toHaveLength(3);
  });
});
