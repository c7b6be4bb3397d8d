import { createMemoryStore } from '../store/memory-store.js';
import { describeCompensationResume } from '../testing/compensation-resume-contract.js';

// A memory store cannot be reopened: the second engine takes the first one's store, as a second worker would.
describeCompensationResume('memory', async () => {
  const store = createMemoryStore();
  return { store, reopen: async () => store };
});
