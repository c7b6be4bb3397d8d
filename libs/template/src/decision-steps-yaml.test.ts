import { describe, expect, test } from 'vitest';
import { createEngine, silentLogger } from '@tasker/core';
import { SimulatedClock } from '@tasker/core/testing';
import { parseTemplate, registerTemplates } from './index.js';
import { brief, issuesOf } from './test-fixtures/issues-of.js';

const FILE = 'shop/shipping.yaml';
const YAML = `name: shipping
namespace_name: shop
version: 1.0.0
step_templates:
  - name: choose_shipping
    type: decision
    handler_class: ChooseShipping
  - name: ship_express
    handler_class: Ship
    deferred: true
    depends_on_step: choose_shipping
  - name: ship_standard
    handler_class: Ship
    deferred: true
    depends_on_step: choose_shipping
  - name: notify
    handler_class: Ship
    depends_on_steps: [ship_express, ship_standard]
`;

function engineWithHandlers() {
  return createEngine({ clock: new SimulatedClock(), logger: silentLogger })
    .registerHandler('ChooseShipping', () => ({ activate: ['ship_express'] }))
    .registerHandler('Ship', (ctx) => ctx.step.name);
}

describe('decision steps in YAML', () => {
  test('are read (type: decision, deferred) and run: the branch chosen runs, the other is skipped, the join runs', async () => {
    const template = parseTemplate(YAML, { file: FILE });
    expect(template.steps.map(({ name, type, deferred }) => [name, type, deferred])).toEqual([
      ['choose_shipping', 'decision', undefined],
      ['ship_express', undefined, true],
      ['ship_standard', undefined, true],
      ['notify', undefined, undefined],
    ]);
    const engine = engineWithHandlers();
    registerTemplates(engine, [template]);
    await engine.start();
    const { taskId } = await engine.runTask({ namespace: 'shop', name: 'shipping', context: {} });
    const task = await engine.waitForTask(taskId);
    expect(task.steps.map((step) => [step.name, step.state])).toEqual([
      ['choose_shipping', 'completed'],
      ['ship_express', 'completed'],
      ['ship_standard', 'skipped'],
      ['notify', 'completed'],
    ]);
    await engine.stop();
  });

  test('a deferred step that depends on no decision step is refused at its YAML line', async () => {
    const text = YAML.replace('    type: decision\n', '');
    const issues = await issuesOf(() => registerTemplates(engineWithHandlers(), [parseTemplate(text, { file: FILE })]));
    expect(brief(issues)).toEqual([
      "9:15 step_templates[1].deferred: deferred step 'ship_express' must depend on a decision step, which activates it",
      "13:15 step_templates[2].deferred: deferred step 'ship_standard' must depend on a decision step, which activates it",
    ]);
  });
});
