/**
 * Waits for `work` until `deadline` (ms since the epoch) at the latest. Resolves `true` once it settled, fulfilled or
 * rejected (the caller only needs to know it is over), `false` when the deadline came first; `work` goes on then.
 */
export async function settledBy(work: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const over = work.then(
    () => true,
    () => true,
  );
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), deadline - Date.now())));
  try {
    return await Promise.race([over, late]);
  } finally {
    clearTimeout(timer);
  }
}
