import type { StepError } from '../domain/records.js';
import { TaskerError } from './tasker-error.js';

/** Turns whatever a handler threw into the JSON that is stored, shown and sent with events. */
export function toStepError(thrown: unknown): StepError {
  if (thrown instanceof TaskerError) return { message: thrown.message, code: thrown.code, name: thrown.name };
  if (thrown instanceof Error) {
    const code = (thrown as { code?: unknown }).code;
    return { message: thrown.message, code: typeof code === 'string' ? code : 'HANDLER_ERROR', name: thrown.name };
  }
  return { message: String(thrown), code: 'HANDLER_ERROR', name: 'Error' };
}
