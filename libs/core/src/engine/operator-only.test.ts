import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { PermanentError } from '../errors/permanent-error.js';
import { TaskerError } from '../errors/tasker-error.js';
import { createMemoryStore } from '../store/memory-store.js';
import type { TaskStore } from '../store/task-store.js';
import { deferred } from '../testing/deferred.js';
import { waitForEvent } from '../testing/wait-for-event.js';
import { EXACT_BACKOFF, chain } from '../test-fixtures/engine-fixture.js';
import { createEngine } from './create-engine.js';

/** A worker of `test/flow` (`charge -> ship`) whose `charge` fails for good the first time `calls` sees it. */
function worker(store: TaskStore, clock: SimulatedClock, calls: string[]) {
  return createEngine({ store, clock, defaults: { backoff: EXACT_BACKOFF } })
    .registerHandler('charge', () => {
      calls.push('charge');
      if (calls.length === 1) throw new PermanentError('card declined');
      return { charged: true };
    })
    .registerHandler('ship', () => {
      calls.push('ship');
      return null;
    })
    .registerTemplate({ namespace: 'test', name: 'flow', version: '1.0.0', steps: chain('charge', 'ship') });
}

describe('an operator-only engine', () => {
  it('retries a failed task without running it: the task goes back to the workers, which run it', async () => {
    const store = createMemoryStore();
    const clock = new SimulatedClock();
    const calls: string[] = [];
    const first = worker(store, clock, calls);
    await first.start();
    const { taskId } = await first.runTask({ namespace: 'test', name: 'flow', context: {} });
    expect((await first.waitForTask(taskId)).state).toBe('failed');
    await first.stop();

    const operator = createEngine({ store, clock, operatorOnly: true });
    await operator.retryTask(taskId, { by: 'ops', reason: 'card updated' });
    const reopened = await operator.getTask(taskId);
    expect(reopened.state).toBe('in_progress');
    expect(reopened.steps.map((step) => step.state)).toEqual(['pending', 'pending']);
    expect(calls).toEqual(['charge']);
    expect(operator.heldLeaseCount).toBe(0);

    const second = worker(store, clock, calls);
    await second.start();
    expect((await second.waitForTask(taskId)).state).toBe('completed');
    expect(calls).toEqual(['charge', 'charge', 'ship']);
    await second.stop();
  });

  it('resolves a failed step at once, and the task goes back to the workers, which run its dependants', async () => {
    const store = createMemoryStore();
    const clock = new SimulatedClock();
    const calls: string[] = [];
    const first = worker(store, clock, calls);
    await first.start();
    const { taskId } = await first.runTask({ namespace: 'test', name: 'flow', context: {} });
    expect((await first.waitForTask(taskId)).state).toBe('failed');
    await first.stop();

    const operator = createEngine({ store, clock, operatorOnly: true });
    await operator.resolveStep(taskId, 'charge', { charged: 'by hand' });
    const resolved = await operator.getTask(taskId);
    expect(resolved.state).toBe('in_progress');
    expect(resolved.steps.map((step) => step.state)).toEqual(['resolved_manually', 'pending']);
    expect(calls).toEqual(['charge']);

    const second = worker(store, clock, calls);
    await second.start();
    expect((await second.waitForTask(taskId)).state).toBe('resolved_manually');
    expect(calls).toEqual(['charge', 'ship']);
    await second.stop();
  });

  it('creates tasks for workers to claim, and refuses to act on a task a worker holds', async () => {
    const store = createMemoryStore();
    const clock = new SimulatedClock();
    const template = { namespace: 'test', name: 'flow', version: '1.0.0', steps: [{ name: 'wait', handler: 'wait' }] };
    // The operator runs no handler; its templates still name registered ones.
    const operator = createEngine({ store, clock, operatorOnly: true })
      .registerHandler('wait', () => null)
      .registerTemplate(template);
    const { taskId } = await operator.runTask({ namespace: 'test', name: 'flow', context: {} });
    expect((await operator.getTask(taskId)).state).toBe('pending');

    const gate = deferred<null>();
    const runner = createEngine({ store, clock })
      .registerHandler('wait', () => gate.promise)
      .registerTemplate(template);
    const started = waitForEvent(runner, 'step.started');
    await runner.start();
    await started;
    await expect(operator.cancelTask(taskId)).rejects.toMatchObject({ code: 'TASK_LEASED' });
    gate.resolve(null);
    expect((await runner.waitForTask(taskId)).state).toBe('completed');
    await runner.stop();
  });

  it('refuses to start', async () => {
    const operator = createEngine({ operatorOnly: true });
    await expect(operator.start()).rejects.toThrow(TaskerError);
    await expect(operator.start()).rejects.toThrow(/operatorOnly/);
  });
});
