import { sampleSteps, sampleTask } from '@tasker/core/testing';
import { describe, expect, it } from 'vitest';
import { createKnexStore } from './index.js';
import { useTestBackends } from './test-fixtures/test-backends.js';

const backends = useTestBackends();

describe.each(backends.both('archive.sqlite'))('the archive table on %s', (_name, place) => {
  it('keeps a purged task with its steps, history and annotations as JSON, and its identity as columns', async () => {
    const store = createKnexStore(place());
    try {
      const task = sampleTask({ idempotencyKey: 'order-1' });
      await store.createTask(task, sampleSteps(task.id));
      const transition = { taskId: task.id, from: 'in_progress', to: 'completed', by: 'engine', at: 5 } as const;
      const annotation = { taskId: task.id, type: 'audit', content: { note: 'ok ✓' }, createdAt: 5 };
      await store.commit([
        {
          taskId: task.id,
          task: { state: 'completed', updatedAt: 5 },
          transitions: [transition],
          annotations: [annotation],
        },
      ]);
      const steps = await store.getSteps(task.id);

      expect(await store.purgeTasks([task.id], { archive: true })).toEqual([task.id]);

      const rows = (await store.knex('tasker_archived_tasks').select()) as Array<Record<string, unknown>>;
      expect(rows).toHaveLength(1);
      const { body, finished_at: finishedAt, ...identity } = rows[0]!;
      expect(identity).toEqual({
        id: task.id,
        namespace: task.namespace,
        name: task.name,
        version: task.version,
        state: 'completed',
      });
      expect(Number(finishedAt)).toBe(5);
      expect(typeof body === 'string' ? JSON.parse(body) : body).toEqual({
        task: { ...task, state: 'completed', updatedAt: 5 },
        steps,
        transitions: [transition],
        annotations: [annotation],
      });
      expect(await store.getTask(task.id)).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
