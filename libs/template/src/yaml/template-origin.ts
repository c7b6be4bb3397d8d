import type { TaskTemplate } from '@tasker/core';
import type { TemplateIssue, TemplateIssueCode } from '../errors/template-load-error.js';
import type { OverrideOrigin } from '../schema/apply-environment.js';
import type { KeyPath } from './key-path.js';
import type { YamlSource } from './yaml-source.js';

/** Where one step of a loaded template came from. */
export interface StepOrigin {
  /** Index in `step_templates`. */
  index: number;
  /** The YAML path of each entry of the step's `dependsOn` (`depends_on_step` or `depends_on_steps[n]`). */
  dependsOn: KeyPath[];
  /** The environment override merged over the step, if any. */
  override?: OverrideOrigin;
}

const TEMPLATE_KEYS: Record<string, string> = {
  namespace: 'namespace_name',
  taskHandler: 'task_handler_class',
  contextSchema: 'schema',
  maxParallelSteps: 'max_parallel_steps',
  deadlineMs: 'deadline_ms',
  retryAfterCompensation: 'retry_after_compensation',
  steps: 'step_templates',
};
const STEP_KEYS: Record<string, string> = {
  handler: 'handler_class',
  retryLimit: 'retry_limit',
  timeoutMs: 'timeout',
  config: 'handler_config',
  dependentSystem: 'dependent_system',
  durationMs: 'duration',
  rateLimit: 'rate_limit',
  periodMs: 'period_ms',
};
const BACKOFF_KEYS: Record<string, string> = { baseMs: 'base_ms', maxMs: 'max_ms' };

/** `steps[2].dependsOn[0]` as `['steps', 2, 'dependsOn', 0]`. */
function parseCorePath(path: string): Array<string | number> {
  return [...path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)].map((match) =>
    match[1] === undefined ? match[2]! : Number(match[1]),
  );
}

/**
 * Links a template built from YAML to its file, so that problems found later (by core's checks, at
 * registration) can be reported at the line of the YAML key they concern rather than as a core path.
 */
export class TemplateOrigin {
  readonly source: YamlSource;
  readonly #steps: StepOrigin[];

  constructor(source: YamlSource, steps: StepOrigin[]) {
    this.source = source;
    this.#steps = steps;
  }

  /** The YAML path of a core template path: `steps[2].handler` -> `step_templates[2].handler_class`. */
  yamlPath(corePath: string): KeyPath {
    const [head, ...rest] = parseCorePath(corePath);
    if (head !== 'steps' || typeof rest[0] !== 'number') {
      return head === undefined ? [] : [TEMPLATE_KEYS[head] ?? head, ...rest];
    }
    const [stepIndex, field, ...deeper] = rest as [number, ...Array<string | number>];
    const step = this.#steps[stepIndex];
    if (!step) return ['step_templates', stepIndex];
    if (field === undefined) return ['step_templates', step.index];
    if (field === 'dependsOn') {
      const entry = typeof deeper[0] === 'number' ? step.dependsOn[deeper[0]] : undefined;
      return entry ?? ['step_templates', step.index];
    }
    const key = STEP_KEYS[field] ?? String(field);
    const base = step.override?.keys.has(key) ? step.override.path : ['step_templates', step.index];
    // A compensation's keys are spelled as a step's: `compensate.retryLimit` is `compensate.retry_limit`.
    const tail =
      key === 'backoff' || key === 'compensate' || key === 'rate_limit'
        ? deeper.map((part) => (part === 'handler' ? 'handler_class' : (STEP_KEYS[part] ?? BACKOFF_KEYS[part] ?? part)))
        : deeper;
    return [...base, key, ...tail];
  }

  /** An issue at the YAML position of a core path. */
  issue(corePath: string, code: TemplateIssueCode, message: string): TemplateIssue {
    return this.source.issue(this.yamlPath(corePath), code, message);
  }
}

const origins = new WeakMap<TaskTemplate, TemplateOrigin>();

/** Remembers that `template` was built from YAML at `origin`. */
export function rememberOrigin(template: TaskTemplate, origin: TemplateOrigin): void {
  origins.set(template, origin);
}

/** The YAML origin of a template this library built, `undefined` for one built in TypeScript. */
export function originOf(template: TaskTemplate): TemplateOrigin | undefined {
  return origins.get(template);
}
