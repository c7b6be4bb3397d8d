import { defineConfig, mergeConfig } from 'vitest/config';
import preset from '../../vitest.preset.js';

/** The shared settings, and a Redis Cluster started once for the run (see `src/test-fixtures/redis-cluster-setup.ts`). */
export default mergeConfig(
  preset,
  defineConfig({ test: { globalSetup: ['src/test-fixtures/redis-cluster-setup.ts'] } }),
);
