import { defineConfig } from 'vitest/config';

/**
 * The vitest settings every package shares: workspace packages resolve to their TypeScript sources through the
 * `@tasker/source` export condition, so tests never need a build first.
 */
export default defineConfig({
  resolve: { conditions: ['@tasker/source'] },
  ssr: { resolve: { conditions: ['@tasker/source'] } },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
