import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, type CustomEvent, type EngineEvent } from '../domain/events.js';
import type { StepContext } from '../handlers/step-context.js';
import { waitForEvent } from '../testing/wait-for-event.js';
import { startFixture } from '../test-fixtures/engine-fixture.js';
import { settle } from '../test-fixtures/settle.js';

describe('events', () => {
  it('emits exactly one event per recorded transition, in history order, after it is durable', async () => {
    const durableAtEmit: boolean[] = [];
    const { engine, clock, events, run } = await startFixture(
      [
        { name: 'a', handler: 'flaky' },
        { name: 'b', handler: 'ok', dependsOn: ['a'] },
        { name: 'c', handler: 'ok', dependsOn: ['a'] },
      ],
      {
        flaky: (ctx: StepContext) => {
          if (ctx.step.attempt === 1) throw new Error('once');
          return 1;
        },
        ok: () => 2,
      },
    );
    engine.on('step.completed', async (event) => {
      const stored = (await engine.getTask(event.taskId)).steps.find((step) => step.name === event.stepName);
      durableAtEmit.push(stored?.state === 'completed');
    });
    const scheduled = waitForEvent(engine, 'step.retry_scheduled');
    const taskId = await run();
    clock.increment((await scheduled).nextRetryAt! - clock.now());
    await engine.waitForTask(taskId);
    await settle();
    const history = await engine.getHistory(taskId);
    const ofTask = events.filter(
      (event): event is Exclude<EngineEvent, CustomEvent> => event.taskId === taskId && 'from' in event,
    );
    const stepFields = (event: EngineEvent) => ('stepName' in event ? [event.stepName, event.attempt] : []);
    expect(ofTask.map((event) => [event.from, event.to, ...stepFields(event)])).toEqual(
      history.map((entry) => [
        entry.from,
        entry.to,
        ...(entry.stepName === undefined ? [] : [entry.stepName, entry.attempt]),
      ]),
    );
    expect(ofTask.map((event) => event.type)).toEqual([
      'task.started',
      'step.started',
      'step.retry_scheduled',
      'step.started',
      'step.completed',
      'step.started',
      'step.started',
      'step.completed',
      'step.completed',
      'task.completed',
    ]);
    expect(durableAtEmit).toEqual([true, true, true]);
    expect(ofTask.every((event) => EVENT_TYPES.includes(event.type))).toBe(true);
    expect(ofTask[0]).toMatchObject({ namespace: 'test', name: 'flow', version: '1.0.0', by: 'engine' });
    const last = ofTask.at(-1);
    expect(last?.type === 'task.completed' && last.durationMs).toBe(1_000);
  });

  it('delivers events by pattern and stops after unsubscribing', async () => {
    const { engine, run } = await startFixture([{ name: 'a', handler: 'ok' }], { ok: () => 1 });
    const steps: string[] = [];
    const tasks: string[] = [];
    const all: string[] = [];
    engine.on('step.*', (event) => void steps.push(event.type));
    engine.on('task.*', (event) => void tasks.push(event.type));
    const unsubscribe = engine.on('*', (event) => void all.push(event.type));
    await engine.waitForTask(await run());
    await settle();
    unsubscribe();
    await engine.waitForTask(await run());
    await settle();
    expect(steps).toEqual(['step.started', 'step.completed', 'step.started', 'step.completed']);
    expect(tasks).toEqual(['task.started', 'task.completed', 'task.started', 'task.completed']);
    expect(all).toEqual(['task.started', 'step.started', 'step.completed', 'task.completed']);
  });

  it('is not broken or delayed by a listener that throws, rejects or never returns', async () => {
    const { engine, run } = await startFixture([{ name: 'a', handler: 'ok' }], { ok: () => 'fine' });
    engine.on('*', () => {
      throw new Error('listener bug');
    });
    engine.on('*', () => Promise.reject(new Error('async listener bug')));
    engine.on('*', () => new Promise(() => undefined));
    const task = await engine.waitForTask(await run());
    expect(task.state).toBe('completed');
    expect(task.steps[0]?.results).toBe('fine');
  });
});
