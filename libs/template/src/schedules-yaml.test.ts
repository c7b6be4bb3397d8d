import { createEngine } from '@tasker/core';
import { describe, expect, test } from 'vitest';
import { parseTemplate, registerTemplates, scheduleTemplates } from './index.js';
import { issuesOf } from './test-fixtures/issues-of.js';

const FILE = 'reports/sales_summary.yaml';
const YAML = `name: sales_summary
namespace_name: reports
version: 1.2.0
schema:
  type: object
  properties:
    days: { type: integer, minimum: 1 }
step_templates:
  - name: summarise
    handler_class: Summarise
schedules:
  - id: nightly_sales_summary
    cron: "0 0 2 * * *"
    timezone: Europe/Oslo
    context: { days: 1 }
    catch_up: latest
    overlap: skip
  - id: weekly_sales_summary
    cron: "0 6 * * 1"
`;

describe('schedules in YAML', () => {
  test('are read into the template and stored by scheduleTemplates, each for its own template and version', async () => {
    const template = parseTemplate(YAML, { file: FILE });
    expect(template.schedules).toEqual([
      {
        id: 'nightly_sales_summary',
        cron: '0 0 2 * * *',
        timezone: 'Europe/Oslo',
        context: { days: 1 },
        catchUp: 'latest',
        overlap: 'skip',
      },
      { id: 'weekly_sales_summary', cron: '0 6 * * 1', context: {} },
    ]);
    const engine = createEngine().registerHandler('Summarise', () => ({}));
    registerTemplates(engine, [template]);
    await scheduleTemplates(engine, [template]);
    expect(await engine.listSchedules()).toEqual([
      expect.objectContaining({
        id: 'nightly_sales_summary',
        task: { namespace: 'reports', name: 'sales_summary', version: '1.2.0', context: { days: 1 } },
        catchUp: 'latest',
        overlap: 'skip',
      }),
      expect.objectContaining({ id: 'weekly_sales_summary', catchUp: 'none', overlap: 'allow' }),
    ]);
  });

  test('are refused with the file, line and key of each mistake', async () => {
    const broken = YAML.replace('"0 0 2 * * *"', '"0 0 25 * * *"')
      .replace('timezone: Europe/Oslo', 'timezone: Europe/Atlantis')
      .replace('context: { days: 1 }', 'context: { days: 0 }')
      .replace('catch_up: latest', 'catch_up: sometimes')
      .replace('id: weekly_sales_summary', 'id: nightly_sales_summary');
    const issues = await issuesOf(() => parseTemplate(broken, { file: FILE }));
    expect(issues.map(({ line, path }) => ({ line, path }))).toEqual([{ line: 16, path: 'schedules[0].catch_up' }]);
    const structured = YAML.replace('catch_up: latest', 'catch_up: sometimes');
    expect((await issuesOf(() => parseTemplate(structured, { file: FILE })))[0]?.message).toMatch(
      /must be 'none', 'latest' or 'all'/,
    );
    const semantic = broken.replace('catch_up: sometimes', 'catch_up: latest');
    const found = await issuesOf(() => parseTemplate(semantic, { file: FILE }));
    expect(found.map(({ file, line, path }) => ({ file, line, path }))).toEqual([
      { file: FILE, line: 13, path: 'schedules[0].cron' },
      { file: FILE, line: 15, path: 'schedules[0].context' },
      { file: FILE, line: 18, path: 'schedules[1].id' },
    ]);
    expect(found[0]!.message).toMatch(/is not a cron expression/);
    expect(found[1]!.message).toMatch(/days/);
    expect(found[2]!.message).toBe("'nightly_sales_summary' is given twice");
    const zone = YAML.replace('timezone: Europe/Oslo', 'timezone: Europe/Atlantis');
    expect(await issuesOf(() => parseTemplate(zone, { file: FILE }))).toEqual([
      expect.objectContaining({
        line: 14,
        path: 'schedules[0].timezone',
        message: expect.stringMatching(/not a time zone/),
      }),
    ]);
  });
});
