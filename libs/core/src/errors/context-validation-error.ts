import type { ContextViolation } from '../domain/template.js';
import { TaskerError } from './tasker-error.js';

/** Thrown when a task request's context violates its template's schema; nothing is stored for the request. */
export class ContextValidationError extends TaskerError {
  readonly violations: ContextViolation[];

  constructor(templateName: string, violations: ContextViolation[]) {
    const lines = violations.map((violation) => `  - ${violation.path || '(root)'}: ${violation.message}`);
    super('INVALID_CONTEXT', `Task context for ${templateName} is invalid:\n${lines.join('\n')}`);
    this.violations = violations;
  }
}
