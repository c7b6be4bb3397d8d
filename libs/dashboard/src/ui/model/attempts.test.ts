import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../api/types.js';
import { attemptsOf } from './attempts.js';

const entry = (step: string | null, from: string, to: string, at: number, extra: Partial<HistoryEntry> = {}) => ({
  step_name: step,
  from_state: from,
  to_state: to,
  attempt: null,
  error_message: null,
  error_code: null,
  error_stack: null,
  by: 'engine',
  reason: null,
  at: new Date(at).toISOString(),
  ...extra,
});

describe('attemptsOf', () => {
  it('makes one bar per attempt with the backoff between them, marks a timeout, and keeps a running one open', () => {
    const history = [
      entry(null, 'pending', 'in_progress', 0),
      entry('pay', 'pending', 'in_progress', 10, { attempt: 1 }),
      entry('pay', 'in_progress', 'waiting_for_retry', 30, { error_code: 'STEP_TIMEOUT', error_message: 'timed out' }),
      entry('pay', 'waiting_for_retry', 'in_progress', 80, { attempt: 2 }),
      entry('pay', 'in_progress', 'completed', 95),
      entry('mail', 'pending', 'in_progress', 100, { attempt: 1 }),
    ];
    expect(attemptsOf(history, 500)).toEqual([
      {
        step: 'pay',
        attempt: 1,
        startMs: 10,
        endMs: 30,
        outcome: 'waiting_for_retry',
        timedOut: true,
        error: 'timed out',
      },
      { step: 'pay', attempt: 2, startMs: 80, endMs: 95, outcome: 'completed', timedOut: false, error: null },
      { step: 'mail', attempt: 1, startMs: 100, endMs: 500, outcome: 'in_progress', timedOut: false, error: null },
    ]);
  });
});
