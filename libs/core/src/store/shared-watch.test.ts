import { describe, expect, it } from 'vitest';
import { sharedWatch } from './shared-watch.js';

/** A watch that counts its starts and stops, and can notify its listeners. */
function countedWatch() {
  const counts = { starts: 0, stops: 0 };
  let notify = () => undefined as void;
  const watch = sharedWatch(async (onNotify) => {
    counts.starts++;
    notify = onNotify;
    return async () => void counts.stops++;
  });
  return { counts, watch, notify: () => notify() };
}

describe('sharedWatch', () => {
  it('starts one watch for many listeners, tells each of them, and stops it when the last one leaves', async () => {
    const { counts, watch, notify } = countedWatch();
    const heard: string[] = [];
    const [stopA, stopB] = await Promise.all([watch(() => heard.push('a')), watch(() => heard.push('b'))]);
    expect(counts).toEqual({ starts: 1, stops: 0 });
    notify();
    expect(heard).toEqual(['a', 'b']);
    await stopA();
    await stopA();
    notify();
    expect(heard).toEqual(['a', 'b', 'b']);
    expect(counts.stops).toBe(0);
    await stopB();
    expect(counts).toEqual({ starts: 1, stops: 1 });
    await watch(() => undefined);
    expect(counts.starts).toBe(2);
  });

  it('rejects a listener whose start failed, and starts again for the next', async () => {
    let attempts = 0;
    const watch = sharedWatch(async () => {
      if (++attempts === 1) throw new Error('no connection');
      return async () => undefined;
    });
    await expect(watch(() => undefined)).rejects.toThrow('no connection');
    await expect(watch(() => undefined)).resolves.toBeTypeOf('function');
    expect(attempts).toBe(2);
  });
});
