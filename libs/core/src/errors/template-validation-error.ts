import { TaskerError } from './tasker-error.js';

/** One broken rule of a task template, with the path of the offending key (e.g. `steps[2].dependsOn[0]`). */
export interface TemplateProblem {
  code:
    | 'UNKNOWN_HANDLER'
    | 'UNKNOWN_DEPENDENCY'
    | 'SELF_DEPENDENCY'
    | 'DEPENDENCY_CYCLE'
    | 'DUPLICATE_STEP'
    | 'INVALID_SETTING'
    | 'EMPTY_TEMPLATE';
  path: string;
  message: string;
}

/** Thrown when a task template is registered that breaks one or more rules; lists every problem found. */
export class TemplateValidationError extends TaskerError {
  readonly problems: TemplateProblem[];

  constructor(templateName: string, problems: TemplateProblem[]) {
    const lines = problems.map((problem) => `  - ${problem.path}: ${problem.message}`);
    super('INVALID_TEMPLATE', `Template ${templateName} is invalid:\n${lines.join('\n')}`);
    this.problems = problems;
  }
}
