#!/usr/bin/env node
// Prints one line per workspace package with the tests its last vitest run counted, read from the JSON summary
// that vitest.preset.ts makes every run write to <package>/test-artifacts/vitest-results.json. A package without
// the summary is reported as such, so a package whose tests silently stopped running shows up in CI's log.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspacePackages } from './workspace-packages.mjs';

for (const { path, dir, manifest } of workspacePackages()) {
  if (!manifest.scripts?.test) continue;
  const summaryPath = join(dir, 'test-artifacts', 'vitest-results.json');
  if (!existsSync(summaryPath)) {
    console.log(`${manifest.name}: no test summary (${path}/test-artifacts/vitest-results.json is missing)`);
    continue;
  }
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8'));
  const skipped = summary.numPendingTests + summary.numTodoTests;
  console.log(
    `${manifest.name}: ${summary.numTotalTests} tests in ${summary.testResults.length} files, ` +
      `${summary.numPassedTests} passed, ${summary.numFailedTests} failed, ${skipped} skipped`,
  );
}
