import { expect, it } from 'vitest';
import type { TaskStore } from '../store/task-store.js';

/**
 * The subscriber position cases of the store contract: one holder per name at a time, tokens that fence off a
 * worker that lost the name, positions kept across holders. Run by `describeStoreContract`.
 */
export function subscriberContractCases(store: () => TaskStore): void {
  const terms = (workerId: string, now: number, until = now + 1_000) => ({ name: 'alerts', workerId, now, until });

  it('holds a new name for its first claimer, with no position, and refuses it to another worker until it lapses', async () => {
    const first = await store().claimSubscriber(terms('w1', 100));
    expect(first).toEqual({ token: expect.any(Number) });
    expect(await store().claimSubscriber(terms('w2', 200))).toBeUndefined();
    // The holder renews with the same token; the name stays its own.
    expect(await store().claimSubscriber(terms('w1', 300))).toEqual(first);
    expect(await store().claimSubscriber(terms('w2', 1_299))).toBeUndefined();
    const taken = await store().claimSubscriber(terms('w2', 1_300));
    expect(taken!.token).toBeGreaterThan(first!.token);
    expect(await store().claimSubscriber({ ...terms('w1', 1_400), name: 'billing' })).toBeDefined();
  });

  it('saves positions only with the current token, and hands the last one to the next holder', async () => {
    const first = (await store().claimSubscriber(terms('w1', 0)))!;
    expect(await store().readSubscriberPosition('alerts')).toBeUndefined();
    expect(await store().saveSubscriberPosition('alerts', first.token, '7')).toBe(true);
    expect(await store().saveSubscriberPosition('alerts', first.token, '9')).toBe(true);
    expect(await store().readSubscriberPosition('alerts')).toBe('9');
    const second = (await store().claimSubscriber(terms('w2', 5_000)))!;
    expect(second.position).toBe('9');
    expect(await store().saveSubscriberPosition('alerts', first.token, '3')).toBe(false);
    expect(await store().saveSubscriberPosition('unknown', first.token, '3')).toBe(false);
    expect(await store().readSubscriberPosition('alerts')).toBe('9');
  });

  it('frees a released name at once, and ignores a release with a stale token', async () => {
    const first = (await store().claimSubscriber(terms('w1', 0)))!;
    await store().releaseSubscriber('alerts', first.token + 1);
    expect(await store().claimSubscriber(terms('w2', 10))).toBeUndefined();
    await store().releaseSubscriber('alerts', first.token);
    const second = await store().claimSubscriber(terms('w2', 20));
    expect(second!.token).toBeGreaterThan(first.token);
    // The former holder coming back after its release takes the name anew, with a new token.
    await store().releaseSubscriber('alerts', second!.token);
    expect((await store().claimSubscriber(terms('w1', 30)))!.token).toBeGreaterThan(second!.token);
  });
}
