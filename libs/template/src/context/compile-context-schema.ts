import type { ContextViolation, JsonObject } from '@tasker/core';
import type { AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv';
import { Ajv } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { TemplateIssue } from '../errors/template-load-error.js';
import { didYouMean } from '../schema/suggest.js';
import type { KeyPath } from '../yaml/key-path.js';
import type { YamlSource } from '../yaml/yaml-source.js';
import { appendPointer, pointerSegments } from './json-pointer.js';
import { schemaKeywordPath } from './schema-keyword-path.js';

type AnyAjv = Ajv | Ajv2019 | Ajv2020;

const OPTIONS = {
  allErrors: true,
  // Unknown keywords (`requried`) are refused, since a misspelt keyword silently checks nothing; the other strict
  // rules refuse schemas that are merely loose, which is the author's business.
  strictSchema: true,
  strictNumbers: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
} as const;

const DEFAULT_DIALECT = 'json-schema.org/draft/2020-12/schema';
const DIALECTS: Record<string, () => AnyAjv> = {
  'json-schema.org/draft/2020-12/schema': () => new Ajv2020(OPTIONS),
  'json-schema.org/draft/2019-09/schema': () => new Ajv2019(OPTIONS),
  'json-schema.org/draft-07/schema': () => new Ajv(OPTIONS),
};

/** The validator for the schema's `$schema` (draft 2020-12 when absent), or `undefined` for another dialect. */
function createAjv(dialect: unknown): AnyAjv | undefined {
  const key =
    dialect === undefined
      ? DEFAULT_DIALECT
      : typeof dialect === 'string'
        ? dialect.replace(/^https?:\/\//, '').replace(/#$/, '')
        : '';
  const ajv = DIALECTS[key]?.();
  // ajv-formats is CommonJS: under nodenext its default import is the module object, whose `default` is the plugin.
  if (ajv) addFormats.default(ajv as Ajv);
  return ajv;
}

function violation(error: ErrorObject): ContextViolation {
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  if (error.keyword === 'required' && params.missingProperty !== undefined) {
    return { path: appendPointer(error.instancePath, params.missingProperty), message: 'is required' };
  }
  if (error.keyword === 'additionalProperties' && params.additionalProperty !== undefined) {
    return { path: appendPointer(error.instancePath, params.additionalProperty), message: 'is not allowed' };
  }
  return { path: error.instancePath, message: error.message ?? `fails ${error.keyword}` };
}

/** Turns a compiled ajv validator into `validateContext`: every violation, each once. */
function toContextValidator(validate: ValidateFunction): (context: JsonObject) => ContextViolation[] {
  return (context) => {
    if (validate(context)) return [];
    const seen = new Set<string>();
    return (validate.errors ?? []).map(violation).filter((found) => {
      const key = `${found.path}\u0000${found.message}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
  };
}

/** The schema's own mistakes against its dialect's meta-schema, one per offending key. */
function metaSchemaIssues(source: YamlSource, at: KeyPath, errors: readonly ErrorObject[]): TemplateIssue[] {
  const first = new Map<string, ErrorObject>();
  for (const error of errors) if (!first.has(error.instancePath)) first.set(error.instancePath, error);
  return [...first.values()].map((error) => {
    const params = error.params as { allowedValues?: unknown[]; type?: string | string[] };
    const message = params.allowedValues
      ? `must be one of ${params.allowedValues.join(', ')}`
      : error.keyword === 'type' && params.type !== undefined
        ? `must be ${[params.type].flat().join(' or ')}`
        : (error.message ?? `fails ${error.keyword}`);
    return source.issue([...at, ...pointerSegments(error.instancePath)], 'INVALID_SCHEMA', message);
  });
}

/**
 * Compiles a template's context schema once, with ajv: draft 2020-12 by default, draft 2019-09 or draft-07 by
 * `$schema`, with formats and every error reported. A schema that is itself invalid yields issues at its keys.
 */
export function compileContextSchema(
  source: YamlSource,
  schema: JsonObject,
  at: KeyPath = ['schema'],
):
  | { validateContext: (context: JsonObject) => ContextViolation[]; issues: [] }
  | { validateContext?: undefined; issues: TemplateIssue[] } {
  const ajv = createAjv(schema.$schema);
  if (!ajv) {
    const message = `unsupported JSON Schema dialect ${JSON.stringify(schema.$schema)}; use draft 2020-12 (the default), 2019-09 or draft-07`;
    return { issues: [source.issue([...at, '$schema'], 'INVALID_SCHEMA', message)] };
  }
  if (!ajv.validateSchema(schema)) return { issues: metaSchemaIssues(source, at, ajv.errors ?? []) };
  try {
    return { validateContext: toContextValidator(ajv.compile(schema as AnySchemaObject)), issues: [] };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const keyword = /unknown keyword: "([^"]+)"/.exec(message)?.[1];
    if (keyword !== undefined) {
      const path = schemaKeywordPath(schema, keyword) ?? [];
      const hint = didYouMean(keyword, Object.keys(ajv.RULES.keywords));
      return {
        issues: [source.issue([...at, ...path], 'INVALID_SCHEMA', `unknown keyword '${keyword}'${hint}`, 'key')],
      };
    }
    return { issues: [source.issue(at, 'INVALID_SCHEMA', message)] };
  }
}
