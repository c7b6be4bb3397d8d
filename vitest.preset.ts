import { defineConfig } from 'vitest/config';

/**
 * The vitest settings every package shares: workspace packages resolve to their TypeScript sources through the
 * `@tasker/source` export condition, so tests never need a build first. Besides the usual terminal report, each
 * run writes a JSON summary to the package's `test-artifacts/` (git-ignored), from which CI prints the number of
 * tests of each package (tools/ci/print-test-counts.mjs).
 */
export default defineConfig({
  resolve: { conditions: ['@tasker/source'] },
  ssr: { resolve: { conditions: ['@tasker/source'] } },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 20_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-artifacts/vitest-results.json' },
  },
});
