import { TaskerError } from './tasker-error.js';

/**
 * Thrown by a step handler when trying again cannot help (a declined card, a missing product): the step fails at
 * once, whatever its retry budget.
 *
 * @example
 * throw new PermanentError('Card declined: insufficient funds', { code: 'CARD_DECLINED' });
 */
export class PermanentError extends TaskerError {
  constructor(message: string, options?: ErrorOptions & { code?: string }) {
    super(options?.code ?? 'PERMANENT_ERROR', message, options);
  }
}
