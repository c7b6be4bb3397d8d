import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { templateKey } from '@tasker/core';
import { TemplateLoadError, loadTemplates } from './index.js';
import { issuesOf } from './test-fixtures/issues-of.js';
import { SEED_YAML } from './test-fixtures/seed.js';

function template(namespace: string, name: string, version: string, extraStepLines = ''): string {
  return `name: ${name}\nnamespace_name: ${namespace}\nversion: ${version}\nstep_templates:\n  - name: only\n    handler_class: Only\n${extraStepLines}`;
}

describe('loadTemplates', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'tasker-templates-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function write(relative: string, text: string): Promise<string> {
    const path = join(root, relative);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    return path;
  }

  test('reads every .yaml and .yml file under a folder, recursively, and nothing else', async () => {
    await write('ecommerce/order_processing_handler.yaml', SEED_YAML);
    await write('payments/process_refund.yml', template('payments', 'process_refund', '1.0.0'));
    await write('customer_success/deep/process_refund.YAML', template('customer_success', 'process_refund', '2.1.0'));
    await write('payments/README.md', '# not a template');

    const templates = await loadTemplates(root, { env: 'test' });

    expect(templates.map(templateKey)).toEqual([
      'customer_success/process_refund@2.1.0',
      'ecommerce/process_order@1.0.0',
      'payments/process_refund@1.0.0',
    ]);
  });

  test('takes a list of files and folders', async () => {
    const seed = await write('ecommerce/order.yaml', SEED_YAML);
    await write('payments/a.yaml', template('payments', 'a', '1.0.0'));

    const templates = await loadTemplates([seed, join(root, 'payments')], { env: 'test' });

    expect(templates.map(templateKey)).toEqual(['ecommerce/process_order@1.0.0', 'payments/a@1.0.0']);
  });

  test('reports every error of every file, then loads none of them', async () => {
    await write('a_good.yaml', template('payments', 'good', '1.0.0'));
    const typo = await write('b_typo.yaml', template('payments', 'typo', '1.0.0', '    retry_limt: 2\n'));
    const syntax = await write('c_syntax.yaml', 'name: broken\n  namespace_name: x\n');
    const cycle = await write(
      'd_cycle.yaml',
      template(
        'payments',
        'cycle',
        '1.0.0',
        '    depends_on_step: other\n  - name: other\n    handler_class: Other\n    depends_on_step: only\n',
      ),
    );

    const error = await loadTemplates(root).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(TemplateLoadError);
    expect((error as TemplateLoadError).message).toBe(
      [
        'Task templates are invalid (4 problems):',
        `  ${typo}:7:5 step_templates[0].retry_limt: unknown key 'retry_limt'; did you mean 'retry_limit'?`,
        `  ${syntax}:1:7 Nested mappings are not allowed in compact mappings`,
        `  ${syntax}:1:7 Implicit keys need to be on a single line`,
        `  ${cycle}:7:22 step_templates[0].depends_on_step: dependency cycle: only -> other -> only`,
      ].join('\n'),
    );
  });

  test('the same namespace, name and version in two files is refused at the second one', async () => {
    const first = await write('a.yaml', template('payments', 'refund', '1.0.0'));
    const second = await write('b.yaml', template('payments', 'refund', '1.0.0'));

    expect(await issuesOf(() => loadTemplates(root))).toEqual([
      {
        file: second,
        line: 3,
        column: 10,
        path: 'version',
        code: 'DUPLICATE_TEMPLATE',
        message: `payments/refund@1.0.0 is defined already in ${first}:3`,
      },
    ]);
  });

  test('a path that does not exist is an error, not an empty result', async () => {
    const missing = join(root, 'nowhere');

    expect(await issuesOf(() => loadTemplates(missing))).toEqual([
      { file: missing, line: 0, column: 0, path: '', code: 'READ_ERROR', message: 'no such file or folder' },
    ]);
  });

  test('an empty folder loads no templates', async () => {
    expect(await loadTemplates(root)).toEqual([]);
  });
});
