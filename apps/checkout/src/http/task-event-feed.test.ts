import { createEngine, type EngineEvent } from '@tasker/core';
import { describe, expect, it } from 'vitest';
import { TaskEventFeed } from './task-event-feed.js';

/** A started engine with a one-step template, a feed on it, and a way to run a task. */
async function started() {
  const engine = createEngine()
    .registerHandler('Noop', () => ({ ok: true }))
    .registerTemplate({ namespace: 'demo', name: 'one', version: '1.0.0', steps: [{ name: 'only', handler: 'Noop' }] });
  await engine.start();
  const run = async () => (await engine.runTask({ namespace: 'demo', name: 'one', context: {} })).taskId;
  return { engine, feed: new TaskEventFeed(engine), run };
}

describe('TaskEventFeed', () => {
  it('hands a subscriber that comes after the task settled every transition of the task, from its first', async () => {
    const { engine, feed, run } = await started();
    const taskId = await run();
    await engine.waitForTask(taskId);
    const seen: string[] = [];
    feed.subscribe(taskId, (event) => seen.push(event.type));
    await expect.poll(() => seen).toEqual(['task.started', 'step.started', 'step.completed', 'task.completed']);
    feed.close();
    await engine.stop();
  });

  it('hands each listener the events of its own task only', async () => {
    const { engine, feed, run } = await started();
    const seen: EngineEvent[] = [];
    const taskId = await run();
    feed.subscribe(taskId, (event) => seen.push(event));
    await engine.waitForTask(taskId);
    await engine.waitForTask(await run());
    await expect.poll(() => seen.map((event) => event.type)).toContain('task.completed');
    expect(seen.every((event) => event.taskId === taskId)).toBe(true);
    expect(seen.map((event) => event.type)).toContain('task.completed');
    feed.close();
    await engine.stop();
  });

  it('keeps a later subscriber when an earlier one unsubscribes twice', async () => {
    const { engine, feed, run } = await started();
    const taskId = await run();
    const first = feed.subscribe(taskId, () => undefined);
    first();
    const seen: string[] = [];
    feed.subscribe(taskId, (event) => seen.push(event.type));
    first();
    await engine.waitForTask(taskId);
    await expect.poll(() => seen).toContain('task.completed');
    feed.close();
    await engine.stop();
  });
});
