import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { machineDefinitions } from '@tasker/telemetry';
import { describe, expect, it } from 'vitest';
import { createProgram } from './program.js';

/** Runs `tasker ...args` in process and returns what it wrote. */
async function tasker(...args: string[]): Promise<string> {
  let output = '';
  const program = createProgram((text) => (output += text)).exitOverride();
  await program.parseAsync(['node', 'tasker', ...args]);
  return output;
}

describe('the tasker command', () => {
  it('machines --json prints the definitions of the task, step, resolution and compensation machines', async () => {
    const printed = JSON.parse(await tasker('machines', '--json'));
    expect(printed).toEqual(machineDefinitions());
    expect(printed.task.id).toBe('task');
  });

  it('machines prints an outline of states and the events that leave them', async () => {
    const text = await tasker('machines');
    expect(text).toMatch(/^task\n {2}/);
    expect(text).toContain('\nstep\n');
    expect(text).toMatch(/\n {2}waiting_for_retry\n/);
    expect(text).toMatch(/ {2}in_progress \(initial\)\n/);
    expect(text).toMatch(/ {2}CANCEL -> /);
  });

  it('names an unknown command instead of doing nothing', async () => {
    await expect(tasker('machnes')).rejects.toThrow(/unknown command 'machnes'/);
  });

  // The package's bin: the compiled dist/main.js (nx's typecheck, tsc -b, compiles it first). tsc writes it without
  // the executable bit, which npm sets when it installs the bin, so it runs here through node as its shebang says;
  // the consumer test runs the installed `npx tasker` itself.
  it('runs as the tasker binary', async () => {
    const bin = fileURLToPath(new URL('../dist/main.js', import.meta.url));
    expect(readFileSync(bin, 'utf8').split('\n', 1)[0]).toBe('#!/usr/bin/env node');
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'machines', '--json']);
    expect(Object.keys(JSON.parse(stdout))).toEqual(['task', 'step', 'resolution', 'compensation']);
  }, 20_000);
});
