/** Starts watching and calls `notify` on every notification; resolves with the function that stops watching. */
export type StartWatch = (notify: () => void) => Promise<() => Promise<void>>;

/**
 * One watch shared by every listener, for a store whose watch costs a connection of its own (a `LISTEN`, a
 * blocking read): started by the first listener, stopped when the last one leaves, so that a thousand followers of
 * a store's event log hold one connection, not a thousand.
 *
 * @returns a `watch(listener)` with the shape of `EventLog.watchEvents`.
 */
export function sharedWatch(start: StartWatch): (listener: () => void) => Promise<() => Promise<void>> {
  const listeners = new Set<() => void>();
  let watching: Promise<() => Promise<void>> | undefined;
  const notify = () => listeners.forEach((listener) => listener());
  return async (listener) => {
    listeners.add(listener);
    try {
      watching ??= start(notify);
      await watching;
    } catch (error) {
      // A failed start is tried again by the next listener, not kept.
      listeners.delete(listener);
      watching = undefined;
      throw error;
    }
    let stopped = false;
    return async () => {
      if (stopped) return;
      stopped = true;
      listeners.delete(listener);
      if (listeners.size > 0 || !watching) return;
      const stop = watching;
      watching = undefined;
      await (
        await stop
      )();
    };
  };
}
