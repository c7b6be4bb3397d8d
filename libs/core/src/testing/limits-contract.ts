import { expect, it } from 'vitest';
import type { TaskStore } from '../store/task-store.js';

/** The stores' clock in these cases. */
const NOW = 2_000_000_000_000;
const LEASE_MS = 30_000;

/**
 * The concurrency-key and rate-limit cases of the store contract: slots capped per key across concurrent askers,
 * kept by their holder, freed by release (announced) or lease expiry; token buckets that refill at their rate and
 * say when the next token comes. Run by `describeStoreContract`.
 */
export function limitsContractCases(store: () => TaskStore): void {
  let keys = 0;
  /** A key of its own per case: the stores of a contract run are shared by its cases. */
  const newKey = () => `ns/template/step:"merchant-${++keys}-${NOW}"`;
  const ask = (key: string, holder: string, now = NOW, limit = 2) =>
    store().acquireSlot({ key, limit, holder, until: now + LEASE_MS, now });

  it('grants at most the limit of slots of a key, however many ask at once, and each holder one slot', async () => {
    const key = newKey();
    const other = newKey();
    const grants = await Promise.all(Array.from({ length: 8 }, (_, i) => ask(key, `task-${i}/pay`, NOW, 3)));
    expect(grants.filter((grant) => grant.acquired)).toHaveLength(3);
    expect(grants.find((grant) => !grant.acquired)).toEqual({ acquired: false, retryAt: NOW + LEASE_MS });
    const holders = grants.flatMap((grant, i) => (grant.acquired ? [`task-${i}/pay`] : []));
    // A holder asking again keeps its slot; another key counts apart.
    expect(await ask(key, holders[0]!, NOW + 1, 3)).toEqual({ acquired: true });
    expect(await ask(other, 'task-9/pay', NOW, 1)).toEqual({ acquired: true });
    expect(await ask(other, 'task-10/pay', NOW, 1)).toMatchObject({ acquired: false });
  });

  it('frees a released slot for the next asker and announces the release to work watchers', async () => {
    const key = newKey();
    await ask(key, 'a/pay');
    await ask(key, 'b/pay');
    expect(await ask(key, 'c/pay')).toMatchObject({ acquired: false });
    let announced = 0;
    const unwatch = (await store().watchWork?.(() => announced++)) ?? (async () => {});
    try {
      await store().releaseSlot({ key, holder: 'a/pay' });
      await store().releaseSlot({ key, holder: 'a/pay' });
      expect(await ask(key, 'c/pay')).toEqual({ acquired: true });
      if (store().watchWork) await expect.poll(() => announced, { timeout: 5_000 }).toBeGreaterThan(0);
    } finally {
      await unwatch();
    }
  });

  it('frees a slot whose lease ended (its worker crashed), and keeps a renewed one', async () => {
    const key = newKey();
    await ask(key, 'crashed/pay');
    await ask(key, 'alive/pay');
    await store().renewSlots(
      [
        { key, holder: 'alive/pay' },
        { key, holder: 'never-held/pay' },
      ],
      NOW + 3 * LEASE_MS,
    );
    const later = NOW + LEASE_MS;
    expect(await ask(key, 'next/pay', later)).toEqual({ acquired: true });
    expect(await ask(key, 'last/pay', later)).toEqual({ acquired: false, retryAt: later + LEASE_MS });
    // The renewal held: the renewed slot is still taken after the crashed one's lease, and a never-held one is none.
    expect(await ask(key, 'never-held/pay', later + 1)).toMatchObject({ acquired: false });
  });

  it('grants tokens up to the limit, then one per period ÷ limit, and says when the next comes', async () => {
    const key = newKey();
    const take = (now: number) => store().takeToken({ key, limit: 4, periodMs: 60_000, now });
    const grants = await Promise.all(Array.from({ length: 6 }, () => take(NOW)));
    expect(grants.filter((grant) => grant.granted)).toHaveLength(4);
    expect(await take(NOW + 1_000)).toEqual({ granted: false, retryAt: NOW + 15_000 });
    expect(await take(NOW + 15_000)).toEqual({ granted: true });
    expect(await take(NOW + 15_000)).toMatchObject({ granted: false });
    // Idle for long, the bucket refills to its limit and no further.
    const later = NOW + 3_600_000;
    const refilled = await Promise.all(Array.from({ length: 6 }, () => take(later)));
    expect(refilled.filter((grant) => grant.granted)).toHaveLength(4);
  });
}
