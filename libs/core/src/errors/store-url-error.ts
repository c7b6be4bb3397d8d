import { TaskerError } from './tasker-error.js';

/**
 * Thrown by `createStoreFromUrl` when the URL names no store it can open (`INVALID_STORE_URL`) or when the adapter
 * or driver its scheme needs is not installed (`STORE_ADAPTER_MISSING`). Its message never carries the URL's
 * password.
 */
export class StoreUrlError extends TaskerError {
  constructor(code: 'INVALID_STORE_URL' | 'STORE_ADAPTER_MISSING', message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}
