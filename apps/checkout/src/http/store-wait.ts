/** Waits for store work, answering 503 `STORE_UNAVAILABLE` once the store has not answered in time. */
export type StoreWait = <T>(work: Promise<T>) => Promise<T>;
