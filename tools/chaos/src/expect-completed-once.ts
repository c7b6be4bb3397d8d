import { expect } from 'vitest';
import type { TaskStore } from '@tasker/core';
import { allTaskIds } from './crash-run.js';

/**
 * Checks the store after a crash run: `count` tasks, every one and every step `completed`, each step recorded
 * completed once, and its starts in the history numbered 1 to its attempt count, so attempts match the history.
 */
export async function expectEveryTaskCompletedOnce(count: number, store: TaskStore): Promise<void> {
  const ids = await allTaskIds(store);
  expect(ids).toHaveLength(count);
  for (const taskId of ids) {
    expect((await store.getTask(taskId))?.state).toBe('completed');
    const history = await store.getTransitions(taskId);
    for (const step of await store.getSteps(taskId)) {
      const ofStep = history.filter((entry) => entry.stepName === step.name);
      expect(step.state).toBe('completed');
      expect(ofStep.filter((entry) => entry.to === 'completed')).toHaveLength(1);
      const starts = ofStep.filter((entry) => entry.to === 'in_progress').map((entry) => entry.attempt);
      expect(starts).toEqual(Array.from({ length: step.attempts }, (_, index) => index + 1));
    }
  }
}
