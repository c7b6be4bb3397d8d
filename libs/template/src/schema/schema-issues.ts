import * as z from 'zod';
import type { TemplateIssue } from '../errors/template-load-error.js';
import type { YamlSource } from '../yaml/yaml-source.js';
import { didYouMean } from './suggest.js';
import { stepDocument, templateDocument, type TemplateDocument } from './template-document.js';

type Path = Array<string | number>;

/** The keys the schema knows for the mapping at `path`, found by walking the schema along it. */
function knownKeys(schema: z.ZodType, path: Path): string[] {
  let current: z.ZodType = schema;
  for (const segment of [...path, undefined]) {
    while (current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
    if (segment === undefined) break;
    if (current instanceof z.ZodObject) current = current.shape[segment] as z.ZodType;
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else return [];
    if (current === undefined) return [];
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function isInsideOverride(path: Path): boolean {
  return path[0] === 'environments' && path[2] === 'step_templates' && path.length === 4;
}

function unknownKeyMessage(path: Path, key: string): string {
  if (isInsideOverride(path) && key in stepDocument.shape) {
    return `'${key}' cannot be overridden per environment; only a step's settings can`;
  }
  return `unknown key '${key}'${didYouMean(key, knownKeys(templateDocument, path))}`;
}

/** Turns zod's issues into template issues at the YAML positions of their keys. */
function toTemplateIssues(source: YamlSource, issues: readonly z.core.$ZodIssue[]): TemplateIssue[] {
  return issues.flatMap((issue) => {
    const path = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => source.issue([...path, key], 'UNKNOWN_KEY', unknownKeyMessage(path, key), 'key'));
    }
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    return [source.issue(path, missing ? 'MISSING_KEY' : 'INVALID_VALUE', issue.message)];
  });
}

/** Checks a parsed YAML file against the template schema: the document, or every issue with its position. */
export function checkTemplateDocument(
  source: YamlSource,
  value: unknown,
): { document: TemplateDocument; issues: [] } | { document?: undefined; issues: TemplateIssue[] } {
  const result = templateDocument.safeParse(value, { reportInput: true });
  if (result.success) return { document: result.data, issues: [] };
  return { issues: toTemplateIssues(source, result.error.issues) };
}
