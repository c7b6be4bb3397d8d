import {
  validateTemplate,
  type BackoffPolicy,
  type CompensationTemplate,
  type HandlerKinds,
  type JsonObject,
  type RetentionAges,
  type StepTemplate,
  type TaskTemplate,
  type TemplateSchedule,
} from '@tasker/core';
import { compileContextSchema } from './context/compile-context-schema.js';
import { compileSignalSchemas } from './context/compile-signal-schemas.js';
import { TemplateLoadError, type TemplateIssue } from './errors/template-load-error.js';
import { problemIssues } from './graph/problem-issues.js';
import { applyEnvironment, overrideIssues } from './schema/apply-environment.js';
import { namedStepIssues } from './schema/named-step-issues.js';
import { scheduleIssues } from './schema/schedule-issues.js';
import { checkTemplateDocument } from './schema/schema-issues.js';
import type { StepDocument, TemplateDocument } from './schema/template-document.js';
import type { KeyPath } from './yaml/key-path.js';
import { TemplateOrigin, rememberOrigin, type StepOrigin } from './yaml/template-origin.js';
import { YamlSource } from './yaml/yaml-source.js';

/** Handlers as a template file alone knows them: none, so that only the template's own rules are checked. */
const NO_HANDLERS: HandlerKinds = { kindOf: () => undefined, canCompensate: () => true };

/** How a template file is read. */
export interface ParseTemplateOptions {
  /** The file name that messages show; `<inline>` when absent. */
  file?: string;
  /** Whose `environments.<env>` overrides apply; {@link defaultEnvironment} when absent. */
  env?: string;
}

/** The environment the engine runs in: `TASKER_ENV`, else `NODE_ENV`, else `development`. */
export function defaultEnvironment(): string {
  return process.env.TASKER_ENV || process.env.NODE_ENV || 'development';
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}

/** A step's dependencies (`depends_on_step` first, then `depends_on_steps`), each once, with its YAML path. */
function dependencies(step: StepDocument, index: number): Array<{ name: string; path: KeyPath }> {
  const listed = [
    ...(step.depends_on_step === undefined
      ? []
      : [{ name: step.depends_on_step, path: ['step_templates', index, 'depends_on_step'] }]),
    ...(step.depends_on_steps ?? []).map((name, at) => ({
      name,
      path: ['step_templates', index, 'depends_on_steps', at],
    })),
  ];
  return listed.filter((entry, at) => listed.findIndex((other) => other.name === entry.name) === at);
}

/** What a template file says for every step that does not say it itself. */
interface StepDefaults {
  retryable?: boolean;
  retryLimit?: number;
  dependentSystem?: string;
}

/** The names of the events a template declares, at its top and on its steps, each once. */
function customEventNames(document: TemplateDocument): string[] | undefined {
  const declared = [document.custom_events, ...document.step_templates.map((step) => step.custom_events)]
    .flatMap((events) => events ?? [])
    .map((event) => (typeof event === 'string' ? event : event.name));
  return declared.length > 0 ? [...new Set(declared)] : undefined;
}

function toBackoff(backoff: StepDocument['backoff']): Partial<BackoffPolicy> | undefined {
  return (
    backoff &&
    withoutUndefined({ baseMs: backoff.base_ms, factor: backoff.factor, maxMs: backoff.max_ms, jitter: backoff.jitter })
  );
}

function toCompensation(compensate: StepDocument['compensate']): CompensationTemplate | undefined {
  return (
    compensate &&
    withoutUndefined({
      handler: compensate.handler_class,
      retryable: compensate.retryable,
      retryLimit: compensate.retry_limit,
      timeoutMs: compensate.timeout,
      backoff: toBackoff(compensate.backoff),
    })
  );
}

function toStepTemplate(step: StepDocument, dependsOn: string[], defaults: StepDefaults): StepTemplate {
  const backoff = toBackoff(step.backoff);
  return withoutUndefined({
    name: step.name,
    description: step.description,
    type: step.type,
    handler: step.handler_class,
    durationMs: step.duration,
    until: step.until,
    signal: step.signal,
    schema: step.schema as JsonObject | undefined,
    dependsOn: dependsOn.length > 0 ? dependsOn : undefined,
    retryable: step.retryable ?? defaults.retryable,
    retryLimit: step.retry_limit ?? defaults.retryLimit,
    timeoutMs: step.timeout,
    backoff,
    config: step.handler_config as JsonObject | undefined,
    dependentSystem: step.dependent_system ?? defaults.dependentSystem,
    compensate: toCompensation(step.compensate),
    skippable: step.skippable,
    concurrency: step.concurrency,
    rateLimit: step.rate_limit && {
      key: step.rate_limit.key,
      limit: step.rate_limit.limit,
      periodMs: step.rate_limit.period_ms,
    },
    deferred: step.deferred,
    map: step.map && withoutUndefined({ over: step.map.over, maxParallel: step.map.max_parallel }),
  });
}

function toSchedules(document: TemplateDocument): TemplateSchedule[] | undefined {
  return document.schedules?.map((schedule) =>
    withoutUndefined({
      id: schedule.id,
      cron: schedule.cron,
      timezone: schedule.timezone,
      context: (schedule.context ?? {}) as JsonObject,
      catchUp: schedule.catch_up,
      overlap: schedule.overlap,
    }),
  );
}

function buildTemplate(
  source: YamlSource,
  document: TemplateDocument,
  env: string,
): { template: TaskTemplate; origin: TemplateOrigin } {
  const { steps, overrides } = applyEnvironment(document, env);
  const origins: StepOrigin[] = [];
  const defaults: StepDefaults = {
    retryable: document.default_retryable,
    retryLimit: document.default_retry_limit,
    dependentSystem: document.default_dependent_system,
  };
  const stepTemplates = steps.map((step, index) => {
    const found = dependencies(step, index);
    const override = overrides.get(index);
    origins.push({ index, dependsOn: found.map((entry) => entry.path), ...(override ? { override } : {}) });
    return toStepTemplate(
      step,
      found.map((entry) => entry.name),
      defaults,
    );
  });
  const template: TaskTemplate = withoutUndefined({
    namespace: document.namespace_name,
    name: document.name,
    version: document.version,
    description: document.description,
    taskHandler: document.task_handler_class,
    contextSchema: document.schema as JsonObject | undefined,
    maxParallelSteps: document.max_parallel_steps,
    deadlineMs: document.deadline_ms,
    priority: document.priority,
    customEvents: customEventNames(document),
    signals: document.signals?.map((signal) => (typeof signal === 'string' ? signal : signal.name)),
    retryAfterCompensation: document.retry_after_compensation,
    retention: document.retention as RetentionAges | undefined,
    schedules: toSchedules(document),
    steps: stepTemplates,
  });
  return { template, origin: new TemplateOrigin(source, origins) };
}

/**
 * The context schema's own issues even when the rest of the file is broken, so that one run reports both; only
 * when the schema is a mapping the structure check had nothing to say about.
 */
function contextSchemaIssues(
  source: YamlSource,
  value: unknown,
  structural: readonly TemplateIssue[],
): TemplateIssue[] {
  const schema = (value as { schema?: unknown } | null)?.schema;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return [];
  if (structural.some((issue) => /^schema(?:$|[.[])/.test(issue.path))) return [];
  return compileContextSchema(source, schema as JsonObject).issues;
}

/** Parses one template file: the template, or every issue found in it. Never throws for bad input. */
export function readTemplate(
  text: string,
  file: string,
  env: string,
): { template?: TaskTemplate; issues: TemplateIssue[] } {
  const source = new YamlSource(file, text);
  const syntax = source.syntaxIssues();
  if (syntax.length > 0) return { issues: sortIssues(syntax) };
  let value: unknown;
  try {
    value = source.toJS();
  } catch (error) {
    // yaml refuses to expand aliases past a limit (the "billion laughs" document) by throwing.
    return { issues: [source.issue([], 'YAML_SYNTAX', error instanceof Error ? error.message : String(error))] };
  }
  const checked = checkTemplateDocument(source, value);
  if (!checked.document)
    return { issues: sortIssues([...checked.issues, ...contextSchemaIssues(source, value, checked.issues)]) };
  const { template, origin } = buildTemplate(source, checked.document, env);
  rememberOrigin(template, origin);
  // Handlers are checked when the template is registered on an engine, which is the only place they are known.
  const graph = problemIssues(
    template,
    validateTemplate(template, NO_HANDLERS).filter((problem) => problem.code !== 'UNKNOWN_HANDLER'),
  );
  const compiled = template.contextSchema ? compileContextSchema(source, template.contextSchema) : undefined;
  const signals = compileSignalSchemas(source, template, signalSchemas(checked.document));
  const issues = [
    ...overrideIssues(source, checked.document),
    ...namedStepIssues(source, checked.document),
    ...graph,
    ...(compiled?.issues ?? []),
    ...signals.issues,
    ...scheduleIssues(source, checked.document, compiled?.validateContext),
  ];
  if (issues.length > 0) return { issues: sortIssues(issues) };
  if (compiled?.validateContext) template.validateContext = compiled.validateContext;
  if (signals.validateSignal) template.validateSignal = signals.validateSignal;
  return { template, issues: [] };
}

/** The schemas the template's `signals` give, by signal name, with the YAML path of each. */
function signalSchemas(document: TemplateDocument): Array<{ signal: string; schema: JsonObject; at: KeyPath }> {
  return (document.signals ?? []).flatMap((signal, index) =>
    typeof signal === 'string' || signal.schema === undefined
      ? []
      : [{ signal: signal.name, schema: signal.schema as JsonObject, at: ['signals', index, 'schema'] }],
  );
}

/** Issues in reading order: by file, line, then column. */
export function sortIssues(issues: TemplateIssue[]): TemplateIssue[] {
  return [...issues].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

/**
 * Parses one task template written in the seed's YAML format into a validated {@link TaskTemplate}, with the
 * overrides of `options.env` applied and the context schema compiled.
 *
 * @throws TemplateLoadError listing every issue, each with its file, line, column and key path.
 * @example
 * const template = parseTemplate(await readFile(path, 'utf8'), { file: path, env: 'production' });
 * engine.registerTemplate(template);
 */
export function parseTemplate(yamlText: string, options: ParseTemplateOptions = {}): TaskTemplate {
  const { template, issues } = readTemplate(yamlText, options.file ?? '<inline>', options.env ?? defaultEnvironment());
  if (!template) throw new TemplateLoadError(issues);
  return template;
}
