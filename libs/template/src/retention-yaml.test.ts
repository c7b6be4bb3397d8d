import { createEngine, createMemoryStore } from '@tasker/core';
import { SimulatedClock } from '@tasker/core/testing';
import { describe, expect, test } from 'vitest';
import { parseTemplate, registerTemplates } from './index.js';
import { brief, parseIssues } from './test-fixtures/issues-of.js';

const FILE = 'reports/audit_trail.yaml';
const YAML = `name: audit_trail
namespace_name: reports
version: 1.0.0
retention:
  completed: 90d
  failed: false
  cancelled: 3600000
step_templates:
  - name: record
    handler_class: Record
`;

describe('retention in YAML', () => {
  test("is read into the template and overrides the engine's for the template's tasks", async () => {
    const template = parseTemplate(YAML, { file: FILE });
    expect(template.retention).toEqual({ completed: '90d', failed: false, cancelled: 3_600_000 });
    const clock = new SimulatedClock();
    const engine = createEngine({ clock, store: createMemoryStore(), retention: { completed: '1d', pauseMs: 0 } });
    engine.registerHandler('Record', () => ({}));
    registerTemplates(engine, [template]);
    await engine.start();
    const { taskId } = await engine.runTask({ namespace: 'reports', name: 'audit_trail', context: {} });
    await engine.waitForTask(taskId);
    clock.increment(2 * 86_400_000);
    expect(await engine.purgeFinishedTasks()).toMatchObject({ tasks: 0 });
    clock.increment(90 * 86_400_000);
    expect(await engine.purgeFinishedTasks()).toMatchObject({
      tasks: 1,
      byTemplate: { 'reports/audit_trail@1.0.0': 1 },
    });
    await engine.stop();
  });

  test('is refused with the file, line and key of a state or duration it cannot take', async () => {
    const badState = await parseIssues(YAML.replace('cancelled:', 'archived:'), { file: FILE });
    expect(brief(badState)).toEqual(["7:3 retention.archived: unknown key 'archived'"]);
    const badDuration = await parseIssues(YAML.replace('90d', '3 months'), { file: FILE });
    expect(badDuration.map(({ file, line, path }) => ({ file, line, path }))).toEqual([
      { file: FILE, line: 5, path: 'retention.completed' },
    ]);
    expect(badDuration[0]!.message).toMatch(/must be a duration like '7d'/);
  });
});
