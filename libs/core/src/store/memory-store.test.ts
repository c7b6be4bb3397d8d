import { describe, expect, it } from 'vitest';
import { sampleEvent, sampleSteps, sampleTask } from '../testing/sample-records.js';
import { describeStoreContract } from '../testing/store-contract.js';
import { MEMORY_EVENT_LOG_CAPACITY } from './memory-event-log.js';
import { createMemoryStore } from './memory-store.js';

describeStoreContract('memory', () => createMemoryStore());

describe('MemoryStore event log', () => {
  it('drops all but the newest events once it holds twice its capacity, keeping their ids', async () => {
    const store = createMemoryStore();
    const task = sampleTask();
    await store.createTask(task, sampleSteps(task.id));
    const event = (at: number) => sampleEvent(task.id, 'step.started', at);
    const total = 2 * MEMORY_EVENT_LOG_CAPACITY + 1;
    await store.commit([{ taskId: task.id, events: Array.from({ length: total }, (_, index) => event(index)) }]);
    const [oldest] = await store.readEvents({ limit: 1 });
    expect(oldest).toEqual({
      id: String(total - MEMORY_EVENT_LOG_CAPACITY + 1),
      event: event(total - MEMORY_EVENT_LOG_CAPACITY),
    });
    expect(await store.lastEventId()).toBe(String(total));
  });
});
