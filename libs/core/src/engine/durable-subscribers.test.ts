import { describeDurableSubscribers } from '../testing/index.js';
import { createMemoryStore } from '../store/memory-store.js';

// One memory store stands for a durable one: "reopening" it is sharing it, as a restarted worker would.
describeDurableSubscribers('memory', async () => {
  const store = createMemoryStore();
  return { store, reopen: async () => store };
});
