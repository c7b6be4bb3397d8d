import { TaskerError } from './tasker-error.js';

/**
 * Why a step that waited for a signal failed: none came within its timeout. Not permanent: the step's retry rules
 * apply, and a retry waits again for the whole timeout.
 */
export class SignalTimeoutError extends TaskerError {
  constructor(stepName: string, signal: string, timeoutMs: number) {
    super('SIGNAL_TIMEOUT', `Step '${stepName}' got no signal '${signal}' within ${timeoutMs} ms`);
  }
}
