import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { templateKey, type TaskTemplate } from '@tasker/core';
import { TemplateLoadError, type TemplateIssue } from './errors/template-load-error.js';
import { defaultEnvironment, readTemplate, sortIssues } from './parse-template.js';
import { originOf } from './yaml/template-origin.js';

/** How templates are loaded. */
export interface LoadTemplatesOptions {
  /** Whose `environments.<env>` overrides apply; `TASKER_ENV`, else `NODE_ENV`, else `development`. */
  env?: string;
}

const TEMPLATE_FILE = /\.ya?ml$/i;

async function yamlFilesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && TEMPLATE_FILE.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** The files named, with folders replaced by the YAML files under them; an unreadable path becomes an issue. */
async function templateFiles(paths: readonly string[]): Promise<{ files: string[]; issues: TemplateIssue[] }> {
  const files: string[] = [];
  const issues: TemplateIssue[] = [];
  for (const path of paths) {
    try {
      if ((await stat(path)).isDirectory()) files.push(...(await yamlFilesUnder(path)));
      else files.push(path);
    } catch (error) {
      issues.push({ file: path, line: 0, column: 0, path: '', message: readFailure(error), code: 'READ_ERROR' });
    }
  }
  return { files: [...new Set(files)], issues };
}

function readFailure(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file or folder';
  return `cannot be read: ${error instanceof Error ? error.message : String(error)}`;
}

/** A second file defining the same namespace, name and version is an error at its `version` line. */
function duplicateIssues(templates: readonly TaskTemplate[]): TemplateIssue[] {
  const first = new Map<string, TaskTemplate>();
  const issues: TemplateIssue[] = [];
  for (const template of templates) {
    const key = templateKey(template);
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, template);
      continue;
    }
    const at = originOf(earlier)?.source;
    const where = at ? `${at.file}:${at.position(['version']).line}` : 'another file';
    const issue = originOf(template)?.source.issue(
      ['version'],
      'DUPLICATE_TEMPLATE',
      `${key} is defined already in ${where}`,
    );
    if (issue) issues.push(issue);
  }
  return issues;
}

/**
 * Loads the task templates of the given YAML files and folders (`*.yaml` and `*.yml`, found recursively).
 * Every file is checked before any template is returned: one bad file means none is loaded, and the error lists
 * the issues of all files.
 *
 * @throws TemplateLoadError listing every issue of every file.
 * @example
 * const templates = await loadTemplates('config/tasker/tasks', { env: 'production' });
 * registerTemplates(engine, templates);
 */
export async function loadTemplates(
  dirOrFiles: string | readonly string[],
  options: LoadTemplatesOptions = {},
): Promise<TaskTemplate[]> {
  const env = options.env ?? defaultEnvironment();
  const { files, issues } = await templateFiles(typeof dirOrFiles === 'string' ? [dirOrFiles] : dirOrFiles);
  const templates: TaskTemplate[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      issues.push({ file, line: 0, column: 0, path: '', message: readFailure(error), code: 'READ_ERROR' });
      continue;
    }
    const read = readTemplate(text, file, env);
    if (read.template) templates.push(read.template);
    issues.push(...read.issues);
  }
  issues.push(...duplicateIssues(templates));
  if (issues.length > 0) throw new TemplateLoadError(sortIssues(issues));
  return templates;
}
