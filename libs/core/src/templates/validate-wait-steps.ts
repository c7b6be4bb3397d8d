import type { StepTemplate, TaskTemplate } from '../domain/template.js';
import type { TemplateProblem } from '../errors/template-validation-error.js';

/** A signal's name: it travels in a REST path (`/tasks/:id/signals/:name`) and a CLI argument. */
const SIGNAL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;
const STEP_TYPES = new Set(['handler', 'sleep', 'signal', 'decision']);

function signalNameProblem(name: unknown): string | undefined {
  return typeof name === 'string' && SIGNAL_NAME.test(name)
    ? undefined
    : `'${String(name)}' is no signal name (1 to 100 letters, digits, '_', '.' and '-')`;
}

function stepProblems(step: StepTemplate, at: string, bad: (path: string, message: string) => void): void {
  const type = step.type ?? 'handler';
  if (!STEP_TYPES.has(type)) {
    bad(`${at}.type`, `'${String(type)}' is no step type (handler, sleep, signal or decision)`);
    return;
  }
  const runsHandler = type === 'handler' || type === 'decision';
  if (runsHandler && (step.handler === undefined || step.handler === '')) bad(`${at}.handler`, 'is required');
  if (!runsHandler && step.handler !== undefined) {
    bad(`${at}.handler`, `a ${type} step runs no handler of its own; leave handler out`);
  }
  if (type !== 'sleep' && (step.durationMs !== undefined || step.until !== undefined)) {
    bad(
      `${at}.${step.durationMs !== undefined ? 'durationMs' : 'until'}`,
      'only a sleep step has a duration or an until',
    );
  }
  if (type !== 'signal' && (step.signal !== undefined || step.schema !== undefined)) {
    bad(`${at}.${step.signal !== undefined ? 'signal' : 'schema'}`, 'only a signal step has a signal or a schema');
  }
  if (type === 'sleep') {
    if ((step.durationMs === undefined) === (step.until === undefined)) {
      bad(at, 'a sleep step needs a duration or an until (one of them)');
    } else if (step.durationMs !== undefined && !(typeof step.durationMs === 'number' && step.durationMs >= 0)) {
      bad(`${at}.durationMs`, 'must be 0 or more milliseconds');
    } else if (step.until !== undefined && !(typeof step.until === 'string' && step.until !== '')) {
      bad(`${at}.until`, 'must be an ISO 8601 time or the dotted path of a context value');
    }
  }
  if (type === 'signal') {
    const problem = signalNameProblem(step.signal);
    if (problem) bad(`${at}.signal`, problem);
  }
}

/**
 * The problems of a template's sleep and signal steps and of its `signals`: settings that fit the step's type, and
 * each signal waited for by one signal step at most (a task takes each signal once).
 */
export function waitProblems(template: TaskTemplate): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const bad = (path: string, message: string) => problems.push({ code: 'INVALID_SETTING', path, message });
  const waitedBy = new Map<string, string>();
  template.steps.forEach((step, index) => {
    const at = `steps[${index}]`;
    stepProblems(step, at, bad);
    if (step.type !== 'signal' || typeof step.signal !== 'string') return;
    const other = waitedBy.get(step.signal);
    if (other !== undefined) bad(`${at}.signal`, `signal '${step.signal}' is waited for by step '${other}' already`);
    else waitedBy.set(step.signal, step.name);
  });
  template.signals?.forEach((name, index) => {
    const problem = signalNameProblem(name);
    if (problem) bad(`signals[${index}]`, problem);
    else if (template.signals!.indexOf(name) !== index) bad(`signals[${index}]`, `'${name}' is declared twice`);
  });
  return problems;
}
