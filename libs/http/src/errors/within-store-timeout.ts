import { ApiError } from './api-error.js';

/**
 * `work`, or a rejection with `STORE_UNAVAILABLE` (503) once the store has not answered within `timeoutMs`: a store
 * that is down makes the engine retry its writes rather than fail them, so a request must stop waiting on its own.
 * The work itself goes on; a task it creates may still appear (an idempotency key finds it again).
 */
export async function withinStoreTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ApiError('STORE_UNAVAILABLE', `The task store did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
