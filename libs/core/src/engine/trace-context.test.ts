import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.js';
import { startFixture } from '../test-fixtures/engine-fixture.js';
import type { NewTaskTraceInfo } from '../ports/start-trace.js';

const CALLER = {
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  tracestate: 'vendor=value',
};

describe('trace context of a task', () => {
  it('stores the request carrier with the task and repeats it on every event of the task', async () => {
    const store = createMemoryStore();
    const { engine, events } = await startFixture([{ name: 'a', handler: 'a' }], { a: () => null }, { store });
    const { taskId } = await engine.runTask({ namespace: 'test', name: 'flow', context: {}, traceContext: CALLER });
    expect((await engine.waitForTask(taskId)).traceContext).toEqual(CALLER);
    expect((await store.getTask(taskId))?.traceContext).toEqual(CALLER);
    const ofTask = events.filter((event) => event.taskId === taskId);
    expect(ofTask.map((event) => event.type)).toEqual([
      'task.started',
      'step.started',
      'step.completed',
      'task.completed',
    ]);
    expect(ofTask.every((event) => event.traceContext?.traceparent === CALLER.traceparent)).toBe(true);
  });

  it('keeps what the startTrace hook chooses, and no carrier when it chooses none', async () => {
    const seen: NewTaskTraceInfo[] = [];
    const store = createMemoryStore();
    const { engine } = await startFixture(
      [{ name: 'a', handler: 'a' }],
      { a: () => null },
      {
        store,
        startTrace: (task) => {
          seen.push(task);
          return task.correlationId === 'untraced' ? undefined : { traceparent: `from-hook-${task.taskId}` };
        },
      },
    );
    const traced = await engine.runTask({ namespace: 'test', name: 'flow', context: {}, traceContext: CALLER });
    const untraced = await engine.runTask({
      namespace: 'test',
      name: 'flow',
      context: {},
      correlationId: 'untraced',
      traceContext: CALLER,
    });
    expect(seen[0]).toEqual({
      taskId: traced.taskId,
      namespace: 'test',
      name: 'flow',
      version: '1.0.0',
      correlationId: traced.correlationId,
      traceContext: CALLER,
    });
    expect((await store.getTask(traced.taskId))?.traceContext).toEqual({ traceparent: `from-hook-${traced.taskId}` });
    expect((await store.getTask(untraced.taskId))?.traceContext).toBeUndefined();
  });

  it('refuses a carrier that is not an object of strings, and stores nothing', async () => {
    const { engine } = await startFixture([{ name: 'a', handler: 'a' }], { a: () => null });
    for (const traceContext of [['00-abc'], { traceparent: 7 }, 'traceparent']) {
      await expect(
        engine.runTask({ namespace: 'test', name: 'flow', context: {}, traceContext: traceContext as never }),
      ).rejects.toThrow('traceContext: must be an object of strings (W3C traceparent and tracestate)');
    }
    expect((await engine.listTasks()).tasks).toEqual([]);
  });
});
