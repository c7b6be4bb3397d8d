import { createMemoryStore } from '../store/memory-store.js';
import { describeEngineBoundary } from '../testing/engine-boundary-contract.js';

describeEngineBoundary('memory', () => createMemoryStore());
