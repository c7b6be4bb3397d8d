import type { TemplateIssue } from '../errors/template-load-error.js';
import type { YamlSource } from '../yaml/yaml-source.js';
import type { StepDocument, StepOverride, TemplateDocument } from './template-document.js';

/** Where an environment's override of a step sits in the file, so its settings' errors point there. */
export interface OverrideOrigin {
  path: ['environments', string, 'step_templates', number];
  /** The keys the override sets. */
  keys: ReadonlySet<string>;
}

/** The steps as they run in one environment. */
export interface EnvironmentSteps {
  steps: StepDocument[];
  /** The override applied to each step index, if any. */
  overrides: Map<number, OverrideOrigin>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Mappings merge key by key at every depth; anything else (scalars, lists) is replaced by the override. */
function deepMerge(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return merged;
}

/**
 * Overrides that name no step, or the same step twice, in any environment: checked for every environment, not
 * only the one running, so a typo in `production` is caught in development.
 */
export function overrideIssues(source: YamlSource, document: TemplateDocument): TemplateIssue[] {
  const names = new Set(document.step_templates.map((step) => step.name));
  const issues: TemplateIssue[] = [];
  for (const [env, { step_templates: overrides }] of Object.entries(document.environments ?? {})) {
    const seen = new Set<string>();
    overrides.forEach((override, index) => {
      const path = ['environments', env, 'step_templates', index, 'name'];
      if (!names.has(override.name)) {
        issues.push(
          source.issue(
            path,
            'UNKNOWN_STEP',
            `environment '${env}' overrides step '${override.name}', which is not a step of this template`,
          ),
        );
      } else if (seen.has(override.name)) {
        issues.push(
          source.issue(path, 'DUPLICATE_STEP', `environment '${env}' overrides step '${override.name}' twice`),
        );
      }
      seen.add(override.name);
    });
  }
  return issues;
}

/** The steps of `document` with the overrides of environment `env` deep-merged over them by step name. */
export function applyEnvironment(document: TemplateDocument, env: string): EnvironmentSteps {
  const overrides = new Map<number, OverrideOrigin>();
  const byName = new Map<string, { override: StepOverride; index: number }>();
  document.environments?.[env]?.step_templates.forEach((override, index) => {
    if (!byName.has(override.name)) byName.set(override.name, { override, index });
  });
  const steps = document.step_templates.map((step, stepIndex) => {
    const found = byName.get(step.name);
    if (!found) return step;
    const { name: _name, ...settings } = found.override;
    overrides.set(stepIndex, {
      path: ['environments', env, 'step_templates', found.index],
      keys: new Set(Object.keys(settings)),
    });
    return deepMerge(step, settings) as StepDocument;
  });
  return { steps, overrides };
}
