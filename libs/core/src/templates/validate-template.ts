import { limitsProblems } from '../throttling/validate-limits.js';
import { stringProblem } from '../domain/check-json.js';
import { decisionProblems } from './validate-decision-steps.js';
import { mapProblems } from './validate-map-steps.js';
import { waitProblems } from './validate-wait-steps.js';
import { isPriority, MAX_PRIORITY, type StepTemplate, type TaskTemplate } from '../domain/template.js';
import type { TemplateProblem } from '../errors/template-validation-error.js';
import type { HandlerKinds } from '../handlers/handler-kinds.js';
import { findCycle } from './dependency-graph.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import { retentionMs } from '../retention/retention-policy.js';

const VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** A custom event's name: published as `custom.<name>`, so a subscriber's `custom.*` pattern sees it. */
const CUSTOM_EVENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

function isNonNegativeInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function settingProblems(template: TaskTemplate): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const bad = (path: string, message: string) => problems.push({ code: 'INVALID_SETTING', path, message });
  if (!template.namespace) bad('namespace', 'is required');
  if (!template.name) bad('name', 'is required');
  if (!VERSION.test(template.version ?? '')) bad('version', `'${template.version}' is not a semantic version (1.2.3)`);
  if (
    template.maxParallelSteps !== undefined &&
    !(isNonNegativeInteger(template.maxParallelSteps) && template.maxParallelSteps > 0)
  ) {
    bad('maxParallelSteps', 'must be a positive integer');
  }
  if (template.retention !== undefined) {
    try {
      retentionMs('retention', template.retention);
    } catch (error) {
      if (!(error instanceof InvalidRequestError)) throw error;
      bad(error.field, error.message.slice(error.field.length + 2));
    }
  }
  if (template.deadlineMs !== undefined && !(isNonNegativeInteger(template.deadlineMs) && template.deadlineMs > 0)) {
    bad('deadlineMs', 'must be a positive integer (milliseconds)');
  }
  if (template.priority !== undefined && !isPriority(template.priority)) {
    bad('priority', `must be a whole number from 0 to ${MAX_PRIORITY}`);
  }
  template.customEvents?.forEach((event, index) => {
    if (typeof event !== 'string' || !CUSTOM_EVENT.test(event)) {
      bad(`customEvents[${index}]`, `'${String(event)}' is no event name (letters, digits, '_', '.' and '-')`);
    } else if (template.customEvents!.indexOf(event) !== index) {
      bad(`customEvents[${index}]`, `'${event}' is declared twice`);
    }
  });
  template.steps.forEach((step, index) => {
    const at = `steps[${index}]`;
    if (!step.name) bad(`${at}.name`, 'is required');
    retryProblems(step, at, bad);
    if (step.compensate) retryProblems(step.compensate, `${at}.compensate`, bad);
    if (step.dependentSystem !== undefined) {
      // Kept on every step row, so it must be text every store can hold.
      const problem =
        typeof step.dependentSystem === 'string' && step.dependentSystem !== ''
          ? stringProblem(step.dependentSystem)
          : 'must be a non-empty string';
      if (problem) bad(`${at}.dependentSystem`, problem);
    }
  });
  return problems;
}

/** The problems of a step's (or a compensation's) retry, timeout and backoff settings, at path `at`. */
function retryProblems(
  settings: Pick<StepTemplate, 'retryLimit' | 'timeoutMs' | 'backoff'>,
  at: string,
  bad: (path: string, message: string) => void,
): void {
  if (settings.retryLimit !== undefined && !isNonNegativeInteger(settings.retryLimit)) {
    bad(`${at}.retryLimit`, 'must be a whole number of retries, 0 or more');
  }
  if (settings.timeoutMs !== undefined && !(typeof settings.timeoutMs === 'number' && settings.timeoutMs > 0)) {
    bad(`${at}.timeoutMs`, 'must be a positive number of milliseconds');
  }
  const backoff = settings.backoff ?? {};
  if (backoff.baseMs !== undefined && !(backoff.baseMs >= 0)) bad(`${at}.backoff.baseMs`, 'must be 0 or more');
  if (backoff.factor !== undefined && !(backoff.factor >= 1)) bad(`${at}.backoff.factor`, 'must be 1 or more');
  if (backoff.maxMs !== undefined && !(backoff.maxMs >= 0)) bad(`${at}.backoff.maxMs`, 'must be 0 or more');
  if (backoff.jitter !== undefined && !(backoff.jitter >= 0 && backoff.jitter <= 1)) {
    bad(`${at}.backoff.jitter`, 'must be between 0 and 1');
  }
}

function graphProblems(template: TaskTemplate, handlers: HandlerKinds): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  if (template.steps.length === 0) {
    problems.push({ code: 'EMPTY_TEMPLATE', path: 'steps', message: 'a template needs at least one step' });
  }
  const taskHandlerKind = template.taskHandler === undefined ? 'task' : handlers.kindOf(template.taskHandler);
  if (taskHandlerKind !== 'task') {
    problems.push({
      code: 'UNKNOWN_HANDLER',
      path: 'taskHandler',
      message:
        taskHandlerKind !== undefined
          ? `'${template.taskHandler}' is registered as a ${taskHandlerKind} handler, not a task handler`
          : `task handler '${template.taskHandler}' is not registered`,
    });
  }
  const seen = new Set<string>();
  const names = new Set(template.steps.map((step) => step.name));
  template.steps.forEach((step, index) => {
    const at = `steps[${index}]`;
    if (seen.has(step.name)) {
      problems.push({ code: 'DUPLICATE_STEP', path: `${at}.name`, message: `step '${step.name}' is declared twice` });
    }
    seen.add(step.name);
    if (
      (step.type === undefined || step.type === 'handler' || step.type === 'decision') &&
      handlers.kindOf(step.handler ?? '') !== 'step'
    ) {
      problems.push({
        code: 'UNKNOWN_HANDLER',
        path: `${at}.handler`,
        message: `step '${step.name}' names handler '${step.handler}', which is not registered as a step handler`,
      });
    }
    if (step.compensate && !handlers.canCompensate(step.compensate.handler)) {
      const kind = handlers.kindOf(step.compensate.handler);
      problems.push({
        code: 'UNKNOWN_HANDLER',
        path: `${at}.compensate.handler`,
        message:
          kind === undefined
            ? `step '${step.name}' is compensated by '${step.compensate.handler}', which is not registered`
            : `step '${step.name}' is compensated by '${step.compensate.handler}', which is registered as a ${kind} handler, not a compensation handler`,
      });
    }
    (step.dependsOn ?? []).forEach((dependency, dependencyIndex) => {
      const path = `${at}.dependsOn[${dependencyIndex}]`;
      if (dependency === step.name) {
        problems.push({ code: 'SELF_DEPENDENCY', path, message: `step '${step.name}' depends on itself` });
      } else if (!names.has(dependency)) {
        problems.push({
          code: 'UNKNOWN_DEPENDENCY',
          path,
          message: `step '${step.name}' depends on '${dependency}', which is not a step of this template`,
        });
      }
    });
  });
  const cycle = findCycle(
    template.steps.map((step) => ({ ...step, dependsOn: (step.dependsOn ?? []).filter((d) => d !== step.name) })),
  );
  if (cycle) {
    problems.push({ code: 'DEPENDENCY_CYCLE', path: 'steps', message: `dependency cycle: ${cycle.join(' -> ')}` });
  }
  return problems;
}

/** Every rule `template` breaks, given the handlers registered so far; empty when it can be registered. */
export function validateTemplate(template: TaskTemplate, handlers: HandlerKinds): TemplateProblem[] {
  return [
    ...settingProblems(template),
    ...waitProblems(template),
    ...limitsProblems(template),
    ...decisionProblems(template),
    ...mapProblems(template),
    ...graphProblems(template, handlers),
  ];
}
