/** Lets queued commits and promise callbacks run: a few turns of the event loop, no timers involved. */
export async function settle(turns = 10): Promise<void> {
  for (let turn = 0; turn < turns; turn++) await new Promise((resolve) => setImmediate(resolve));
}
