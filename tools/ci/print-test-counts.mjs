#!/usr/bin/env node
// Prints one line per workspace package with the tests its last vitest run counted, read from the JSON summary
// that vitest.preset.ts makes every run write to <package>/test-artifacts/vitest-results.json. A package without
// the summary fails the run, so a package whose tests silently stopped running cannot pass CI. The last line sums
// the suite as "tests: N passed, N failed, N skipped".
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspacePackages } from './workspace-packages.mjs';

const total = { passed: 0, failed: 0, skipped: 0 };
for (const { path, dir, manifest } of workspacePackages()) {
  if (!manifest.scripts?.test) continue;
  const summaryPath = join(dir, 'test-artifacts', 'vitest-results.json');
  if (!existsSync(summaryPath)) {
    console.log(`${manifest.name}: no test summary (${path}/test-artifacts/vitest-results.json is missing)`);
    process.exitCode = 1;
    continue;
  }
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8'));
  const skipped = summary.numPendingTests + summary.numTodoTests;
  total.passed += summary.numPassedTests;
  total.failed += summary.numFailedTests;
  total.skipped += skipped;
  console.log(
    `${manifest.name}: ${summary.numTotalTests} tests in ${summary.testResults.length} files, ` +
      `${summary.numPassedTests} passed, ${summary.numFailedTests} failed, ${skipped} skipped`,
  );
}
// The whole suite in the plain form CI's log readers understand.
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
