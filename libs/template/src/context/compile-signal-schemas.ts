import type { ContextViolation, JsonObject, JsonValue, TaskTemplate } from '@tasker/core';
import type { TemplateIssue } from '../errors/template-load-error.js';
import type { KeyPath } from '../yaml/key-path.js';
import type { YamlSource } from '../yaml/yaml-source.js';
import { compileContextSchema } from './compile-context-schema.js';

/**
 * Compiles the `schema` of each signal step, and those the template's `signals` give (`extra`), the way a context
 * schema is compiled (same dialects, formats and messages), into the template's `validateSignal`: a signal's payload
 * checked against its schema when it is sent. A schema that is itself invalid yields issues at its keys
 * (`step_templates[i].schema...`, `signals[i].schema...`).
 */
export function compileSignalSchemas(
  source: YamlSource,
  template: TaskTemplate,
  extra: ReadonlyArray<{ signal: string; schema: JsonObject; at: KeyPath }> = [],
): { validateSignal?: TaskTemplate['validateSignal']; issues: TemplateIssue[] } {
  const validators = new Map<string, (payload: JsonObject) => ContextViolation[]>();
  const issues: TemplateIssue[] = [];
  const schemas = [
    ...template.steps.flatMap((step, index) =>
      step.schema === undefined || step.signal === undefined
        ? []
        : [{ signal: step.signal, schema: step.schema, at: ['step_templates', index, 'schema'] as KeyPath }],
    ),
    ...extra,
  ];
  for (const { signal, schema, at } of schemas) {
    const compiled = compileContextSchema(source, schema, at);
    if (compiled.validateContext) validators.set(signal, compiled.validateContext);
    else issues.push(...compiled.issues);
  }
  if (validators.size === 0) return { issues };
  return {
    // A payload need not be an object: ajv validates any JSON; the cast only widens the compiled validator's input.
    validateSignal: (signal: string, payload: JsonValue) => validators.get(signal)?.(payload as JsonObject) ?? [],
    issues,
  };
}
