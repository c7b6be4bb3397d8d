import { describe, expect, expectTypeOf, it } from 'vitest';
import type { EngineEvent, StepEvent, TaskEvent, TaskTransitionEvent } from '../domain/events.js';
import { PermanentError } from '../errors/permanent-error.js';
import { waitForEvent } from '../testing/wait-for-event.js';
import { startFixture } from '../test-fixtures/engine-fixture.js';
import { settle } from '../test-fixtures/settle.js';

describe('events typed by their pattern', () => {
  it("gives a 'step.failed' listener the step, attempt, duration and error, and task events no step fields", async () => {
    const { engine, run } = await startFixture([{ name: 'charge', handler: 'charge', retryLimit: 0 }], {
      charge: () => {
        throw new PermanentError('card declined');
      },
    });
    const failed: Array<StepEvent<'step.failed'>> = [];
    const taskEvents: TaskEvent[] = [];
    engine.on('step.failed', (event) => {
      expectTypeOf(event).toEqualTypeOf<StepEvent<'step.failed'>>();
      expectTypeOf(event.to).toEqualTypeOf<'failed'>();
      failed.push(event);
    });
    engine.on('task.*', (event) => {
      expectTypeOf(event).toEqualTypeOf<TaskEvent>();
      taskEvents.push(event);
    });
    const taskFailed = waitForEvent(engine, 'task.failed');
    const taskId = await run();
    expectTypeOf(await taskFailed).toEqualTypeOf<TaskTransitionEvent<'task.failed'>>();

    expect(failed).toEqual([
      expect.objectContaining({
        type: 'step.failed',
        taskId,
        stepName: 'charge',
        attempt: 1,
        from: 'in_progress',
        to: 'failed',
        durationMs: expect.any(Number),
        error: expect.objectContaining({ message: 'card declined' }),
      }),
    ]);
    expect(taskEvents.map((event) => event.type)).toEqual(['task.started', 'task.failed']);
    for (const event of taskEvents) {
      expect(event).not.toHaveProperty('stepName');
      expect(event).not.toHaveProperty('attempt');
    }
  });

  it('narrows any event by its type', async () => {
    const { engine, events, run } = await startFixture([{ name: 'a', handler: 'a' }], { a: () => ({ ok: true }) });
    await engine.waitForTask(await run());
    await settle();
    const completed = events.find((event): event is StepEvent<'step.completed'> => event.type === 'step.completed');
    expect(completed?.results).toEqual({ ok: true });
    const summary = (event: EngineEvent): string => {
      switch (event.type) {
        case 'step.completed':
          return `${event.stepName} ${JSON.stringify(event.results)}`;
        case 'task.completed':
          return `task in ${event.durationMs} ms`;
        default:
          return event.type;
      }
    };
    expect(events.map(summary)).toContain('a {"ok":true}');
  });
});
