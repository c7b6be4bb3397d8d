import { STEP_STATES, TASK_STATES } from '@tasker/core';
import { createMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import { machineDefinitions } from './machine-definitions.js';

describe('machine definitions', () => {
  it('describes the task, step, resolution and compensation machines as JSON that XState builds a machine from again', () => {
    const definitions = machineDefinitions();
    expect(Object.keys(definitions)).toEqual(['task', 'step', 'resolution', 'compensation']);
    expect(JSON.parse(JSON.stringify(definitions))).toEqual(definitions);

    const task = createMachine(definitions.task as never);
    const step = createMachine(definitions.step as never);
    expect(task.id).toBe('task');
    // The machine's states are the stored ones, `cancelling`, which waits for running steps to stop, the two
    // outcomes of a compensated task, which an operator may retry from when its template allows it, and the two of a
    // task waiting `pending` for its template's concurrency slot.
    expect(Object.keys(task.root.states).sort()).toEqual(
      [...TASK_STATES, 'cancelling', 'compensated_failed', 'compensated_cancelled', 'admitting', 'throttled'].sort(),
    );
    // A step's compensation states are the compensation machine's (`compensating` is recorded as it starts); a
    // bypassed step is `skipped` from its creation and runs no machine.
    const compensationStates: readonly string[] = ['compensating', 'compensated', 'compensation_failed', 'skipped'];
    expect(Object.keys(step.root.states)).toEqual(
      expect.arrayContaining(STEP_STATES.filter((state) => state !== 'pending' && !compensationStates.includes(state))),
    );
    const compensation = createMachine(definitions.compensation as never);
    expect(Object.keys(compensation.root.states)).toEqual(
      expect.arrayContaining(['starting', 'running', 'waiting', 'compensated', 'compensation_failed']),
    );
    // An attempt is started and stopped by the step's own entry and exit actions, and reports back by event.
    const inProgress = step.getStateNodeById('step.in_progress');
    expect(JSON.stringify(inProgress.entry)).toContain('runAttempt');
    expect(Object.keys(inProgress.on)).toEqual(expect.arrayContaining(['ATTEMPT_SUCCEEDED', 'ATTEMPT_FAILED']));
  });

  it('shows inline functions by name instead of dropping them', () => {
    const step = machineDefinitions().step as { context: unknown };
    expect(step.context).toEqual({ type: 'context' });
  });
});
