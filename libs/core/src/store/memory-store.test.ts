import { describeStoreContract } from '../testing/store-contract.js';
import { createMemoryStore } from './memory-store.js';

describeStoreContract('memory', () => createMemoryStore());
