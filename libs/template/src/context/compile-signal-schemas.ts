import type { ContextViolation, JsonObject, JsonValue, TaskTemplate } from '@tasker/core';
import type { TemplateIssue } from '../errors/template-load-error.js';
import type { YamlSource } from '../yaml/yaml-source.js';
import { compileContextSchema } from './compile-context-schema.js';

/**
 * Compiles the `schema` of each signal step the way a context schema is compiled (same dialects, formats and
 * messages), into the template's `validateSignal`: a signal's payload checked against the schema of the step that
 * waits for it. A schema that is itself invalid yields issues at its keys (`step_templates[i].schema...`).
 */
export function compileSignalSchemas(
  source: YamlSource,
  template: TaskTemplate,
): { validateSignal?: TaskTemplate['validateSignal']; issues: TemplateIssue[] } {
  const validators = new Map<string, (payload: JsonObject) => ContextViolation[]>();
  const issues: TemplateIssue[] = [];
  template.steps.forEach((step, index) => {
    if (step.schema === undefined || step.signal === undefined) return;
    const compiled = compileContextSchema(source, step.schema, ['step_templates', index, 'schema']);
    if (compiled.validateContext) validators.set(step.signal, compiled.validateContext);
    else issues.push(...compiled.issues);
  });
  if (validators.size === 0) return { issues };
  return {
    // A payload need not be an object: ajv validates any JSON; the cast only widens the compiled validator's input.
    validateSignal: (signal: string, payload: JsonValue) => validators.get(signal)?.(payload as JsonObject) ?? [],
    issues,
  };
}
