import { describe, expect, test } from 'vitest';
import { createEngine, silentLogger } from '@tasker/core';
import { SimulatedClock } from '@tasker/core/testing';
import { parseTemplate } from './index.js';
import { brief, parseIssues } from './test-fixtures/issues-of.js';

const FILE = 'shop/review.yaml';
const YAML = `name: review
namespace_name: shop
version: 1.0.0
signals: [label_printed]
step_templates:
  - name: cool_off
    type: sleep
    duration: 3600000
  - name: hold_until_release
    type: sleep
    until: release.at
    depends_on_step: cool_off
  - name: review_order
    type: signal
    signal: approved
    timeout: 86400000
    depends_on_step: hold_until_release
    schema:
      type: object
      required: [approved]
      properties:
        approved: { type: boolean }
`;

describe('sleep and signal steps in YAML', () => {
  test('are read into the template: type, duration, until, signal, timeout, schema and the signals list', () => {
    const template = parseTemplate(YAML, { file: FILE });
    expect(template.signals).toEqual(['label_printed']);
    expect(
      template.steps.map(({ name, type, durationMs, until, signal, timeoutMs }) => ({
        name,
        type,
        durationMs,
        until,
        signal,
        timeoutMs,
      })),
    ).toEqual([
      {
        name: 'cool_off',
        type: 'sleep',
        durationMs: 3_600_000,
        until: undefined,
        signal: undefined,
        timeoutMs: undefined,
      },
      {
        name: 'hold_until_release',
        type: 'sleep',
        durationMs: undefined,
        until: 'release.at',
        signal: undefined,
        timeoutMs: undefined,
      },
      {
        name: 'review_order',
        type: 'signal',
        durationMs: undefined,
        until: undefined,
        signal: 'approved',
        timeoutMs: 86_400_000,
      },
    ]);
    expect(template.validateSignal?.('approved', { approved: 'yes' })).toEqual([
      { path: '/approved', message: 'must be boolean' },
    ]);
    expect(template.validateSignal?.('approved', { approved: true })).toEqual([]);
  });

  test("refuse a signal whose payload breaks the step's schema when sent, listing the violations", async () => {
    const engine = createEngine({ clock: new SimulatedClock(), logger: silentLogger });
    engine.registerTemplate(parseTemplate(YAML, { file: FILE }));
    await engine.start();
    const { taskId } = await engine.runTask({ namespace: 'shop', name: 'review', context: { release: { at: 0 } } });
    await expect(engine.signal(taskId, 'approved', { approved: 'yes' })).rejects.toThrow(
      /Payload of signal 'approved' is invalid:\n {2}- \/approved: must be boolean/,
    );
    await engine.stop();
  });

  test("take a schema for a signal a handler waits for, under the template's signals", () => {
    const template = parseTemplate(
      `name: review
namespace_name: shop
version: 1.0.0
signals:
  - name: review
    description: a person's decision on a large order
    schema: { type: object, required: [approved], properties: { approved: { type: boolean } } }
step_templates:
  - name: review_order
    handler_class: Review
`,
      { file: FILE },
    );
    expect(template.signals).toEqual(['review']);
    expect(template.validateSignal?.('review', {})).toEqual([{ path: '/approved', message: 'is required' }]);
  });

  test('name the line of a step that breaks the wait rules, and of a bad signal schema', async () => {
    const broken = `name: review
namespace_name: shop
version: 1.0.0
step_templates:
  - name: nap
    type: sleep
    duration: 5
    until: release.at
  - name: review_order
    type: signal
    signal: approved
    schema:
      type: nonsense
`;
    expect(brief(await parseIssues(broken, { file: FILE }))).toEqual([
      '5:5 step_templates[0]: a sleep step needs a duration or an until (one of them)',
      '13:13 step_templates[1].schema.type: must be one of array, boolean, integer, null, number, object, string',
    ]);
  });
});
