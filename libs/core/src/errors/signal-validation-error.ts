import type { ContextViolation } from '../domain/template.js';
import { TaskerError } from './tasker-error.js';

/** A signal's payload broke the JSON Schema of the signal step that waits for it: every violation is listed. */
export class SignalValidationError extends TaskerError {
  readonly violations: ContextViolation[];

  constructor(signal: string, violations: ContextViolation[]) {
    const lines = violations.map((violation) => `  - ${violation.path || '(root)'}: ${violation.message}`);
    super('INVALID_SIGNAL', `Payload of signal '${signal}' is invalid:\n${lines.join('\n')}`);
    this.violations = violations;
  }
}
