import { describe, expect, it } from 'vitest';
import type { StepJson } from '../connection/tasker-client.js';
import type { Io } from '../io.js';
import { stepTree } from './task-view.js';

const plain: Io = { out: () => {}, err: () => {}, color: false, env: {} } as unknown as Io;

/** A step as the REST API shows it, with the fields the tree reads. */
const step = (fields: Partial<StepJson>): StepJson =>
  ({
    name: 'pay',
    current_state: 'pending',
    attempts: 0,
    duration_ms: null,
    depends_on: [],
    waiting_for: null,
    next_retry_at: null,
    error_message: null,
    error_code: null,
    items: null,
    ...fields,
  }) as StepJson;

describe('the step tree of tasks show', () => {
  it('says a throttled step waits for a slot or a token, and by when it asks again', () => {
    const lines = stepTree(
      [step({ current_state: 'throttled', next_retry_at: '2026-12-06T16:00:00.000Z' }), step({ name: 'ship' })],
      plain,
    );
    expect(lines.slice(0, 2)).toEqual([
      expect.stringMatching(/^├─ pay {2}throttled {2}0 attempts/),
      '│  throttled: waits for a slot or a token (by 2026-12-06T16:00:00.000Z)',
    ]);
    expect(lines.join('\n')).not.toMatch(/ship.*\n.*throttled:/);
  });
});
