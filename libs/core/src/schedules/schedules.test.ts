import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine/create-engine.js';
import { createMemoryStore } from '../store/memory-store.js';
import { describeScheduleFiring } from '../testing/schedule-firing-contract.js';

describeScheduleFiring('memory', async () => createMemoryStore());

function reportsEngine() {
  const store = createMemoryStore();
  const engine = createEngine({ store }).registerHandler('summarise', () => ({}));
  engine.registerTemplate({
    namespace: 'reports',
    name: 'summary',
    version: '1.0.0',
    steps: [{ name: 'summarise', handler: 'summarise' }],
    validateContext: (context) =>
      typeof context['day'] === 'string' ? [] : [{ path: '/day', message: 'must be a string' }],
  });
  return { engine, store };
}
const task = { namespace: 'reports', name: 'summary', context: { day: 'today' } };

describe('refused schedules and delayed tasks', () => {
  it.each([
    [{ id: '', cron: '* * * * *', task }, 'id: must be a non-empty string'],
    [{ id: 'x', cron: 'every day', task }, "cron: 'every day' is not a cron expression"],
    [{ id: 'x', cron: '* * * * *', timezone: 'Mars/Olympus', task }, "timezone: 'Mars/Olympus' is not a time zone"],
    [{ id: 'x', cron: '* * * * *', task, catchUp: 'some' }, "catchUp: must be one of 'none', 'latest', 'all'"],
    [{ id: 'x', cron: '* * * * *', task, overlap: 'queue' }, "overlap: must be one of 'allow', 'skip'"],
    [{ id: 'x', cron: '* * * * *', task: { ...task, context: [] } }, 'task.context: must be a JSON object'],
    [{ id: 'x', cron: '* * * * *', task: { ...task, name: 'nothing' } }, 'No template reports/nothing'],
    [{ id: 'x', cron: '* * * * *', task: { ...task, context: { day: 1 } } }, '/day: must be a string'],
  ])('refuses %j naming what is wrong, storing nothing', async (definition, message) => {
    const { engine, store } = reportsEngine();
    await expect(engine.schedule(definition as never)).rejects.toThrow(message);
    expect(await store.listSchedules()).toEqual([]);
  });

  it('keeps a schedule declared again with the same cron in its place, and deletes it once', async () => {
    const { engine } = reportsEngine();
    const first = await engine.schedule({ id: 'daily', cron: '0 0 2 * * *', timezone: 'Europe/Oslo', task });
    await engine.schedule({ id: 'daily', cron: '0 0 2 * * *', timezone: 'Europe/Oslo', task, overlap: 'skip' });
    expect(await engine.listSchedules()).toEqual([
      expect.objectContaining({ nextFireAt: first.nextFireAt, overlap: 'skip', catchUp: 'none' }),
    ]);
    await engine.unschedule('daily');
    await expect(engine.unschedule('daily')).rejects.toMatchObject({ code: 'SCHEDULE_NOT_FOUND' });
    await expect(engine.getSchedule('daily')).rejects.toMatchObject({ code: 'SCHEDULE_NOT_FOUND' });
  });

  it.each([['tomorrow'], ['2026-12-24T18:00:00'], [-5], [1.5], [new Date('nonsense')], [{}]])(
    'refuses runAt %j naming runAt, storing nothing',
    async (runAt) => {
      const { engine, store } = reportsEngine();
      await expect(engine.runTask({ ...task, runAt: runAt as never })).rejects.toThrow(/^runAt: must be a Date/);
      expect((await store.listTasks()).tasks).toEqual([]);
    },
  );
});
