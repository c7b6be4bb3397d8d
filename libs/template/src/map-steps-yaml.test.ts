import { describe, expect, test } from 'vitest';
import { createEngine, silentLogger } from '@tasker/core';
import { SimulatedClock } from '@tasker/core/testing';
import { parseTemplate, registerTemplates } from './index.js';
import { brief, issuesOf, parseIssues } from './test-fixtures/issues-of.js';

const FILE = 'shop/notify.yaml';
const YAML = `name: notify
namespace_name: shop
version: 1.0.0
step_templates:
  - name: load
    handler_class: Load
  - name: send
    handler_class: Send
    depends_on_step: load
    map:
      over: $.results.load.recipients
      max_parallel: 2
`;

function engineWithHandlers() {
  return createEngine({ clock: new SimulatedClock(), logger: silentLogger })
    .registerHandler('Load', () => ({ recipients: ['ana', 'bo'] }))
    .registerHandler('Send', (ctx) => `sent to ${String(ctx.item)}`);
}

describe('map steps in YAML', () => {
  test('are read (map: over, max_parallel) and run once per item', async () => {
    const template = parseTemplate(YAML, { file: FILE });
    expect(template.steps[1]!.map).toEqual({ over: '$.results.load.recipients', maxParallel: 2 });
    const engine = engineWithHandlers();
    registerTemplates(engine, [template]);
    await engine.start();
    const { taskId } = await engine.runTask({ namespace: 'shop', name: 'notify', context: {} });
    const task = await engine.waitForTask(taskId);
    expect(task.steps[1]).toMatchObject({ state: 'completed', results: ['sent to ana', 'sent to bo'] });
    await engine.stop();
  });

  test('a bad map is refused at its YAML line: its shape when parsed, its path when registered', async () => {
    expect(brief(await parseIssues(YAML.replace('max_parallel: 2', 'max_parallel: 0'), { file: FILE }))).toEqual([
      '12:21 step_templates[1].map.max_parallel: must be 1 or more',
    ]);
    const unrelated = YAML.replace('    depends_on_step: load\n', '');
    const issues = await issuesOf(() =>
      registerTemplates(engineWithHandlers(), [parseTemplate(unrelated, { file: FILE })]),
    );
    expect(brief(issues)).toEqual([
      "10:13 step_templates[1].map.over: '$.results.load.recipients' reads the result of 'load', which step 'send' does not depend on",
    ]);
  });
});
