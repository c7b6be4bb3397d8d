import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { machineDefinitions } from '@tasker/telemetry';
import { jwtVerify } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { createProgram } from './program.js';
import { runTasker } from './test-fixtures/run-tasker.js';
import { TEMPLATES_DIR } from './test-fixtures/worker.js';

/** Runs `tasker ...args` in process and returns what it wrote. */
async function tasker(...args: string[]): Promise<string> {
  let output = '';
  const program = createProgram({ out: (text) => (output += text), err: () => undefined }).exitOverride();
  await program.parseAsync(['node', 'tasker', ...args]);
  return output;
}

const fixture = (path: string) => fileURLToPath(new URL(`./test-fixtures/${path}`, import.meta.url));

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
    // A step begins in admission (asking for a slot and a token when it is throttled), then runs.
    expect(text).toMatch(/\nstep\n(?: {2}.*\n)* {2}admission \(initial\)\n/);
    expect(text).toMatch(/ {2}CANCEL -> /);
  });

  it('names an unknown command instead of doing nothing, as a usage error (exit 2)', async () => {
    await expect(tasker('machnes')).rejects.toThrow(/unknown command 'machnes'/);
    const run = await runTasker(['tasks', 'lst']);
    expect(run).toMatchObject({ code: 2, out: '' });
    expect(run.err).toMatch(/unknown command 'lst'/);
  });

  it('has --help for every command, exit 0', async () => {
    for (const command of [[], ['run'], ['tasks', 'show'], ['steps', 'resolve'], ['events'], ['token']]) {
      const help = await runTasker([...command, '--help']);
      expect(help.code).toBe(0);
      expect(help.out).toMatch(/^Usage: tasker/);
    }
  });

  it('needs a transport: --store, --api or their environment variables (exit 2)', async () => {
    const none = await runTasker(['tasks', 'list']);
    expect(none).toMatchObject({ code: 2, out: '' });
    expect(none.err).toBe(
      'error: where is Tasker? give --store <url> or --api <url> (or TASKER_STORE_URL, TASKER_API_URL)\n',
    );
    const both = await runTasker(['workers', '--store', 'sqlite::memory:', '--api', 'http://localhost:1']);
    expect(both.err).toBe('error: give either --store or --api, not both\n');
    const tokenless = await runTasker(['workers'], { TASKER_API_URL: 'http://localhost:1/tasker' });
    expect(tokenless).toMatchObject({
      code: 2,
      err: 'error: --api needs a token: give --token <jwt> or TASKER_TOKEN\n',
    });
    const down = await runTasker(['workers', '--api', 'http://127.0.0.1:1/tasker', '--token', 't']);
    expect(down.code).toBe(1);
    expect(down.err).toMatch(/^error: cannot reach the API at http:\/\/127\.0\.0\.1:1\/tasker: /);
  });

  it('validate accepts good templates and names each problem at file:line:column (exit 1)', async () => {
    const good = await runTasker(['validate', TEMPLATES_DIR]);
    expect(good).toEqual({ code: 0, out: 'ok  4 templates\n', err: '' });
    const cycle = await runTasker(['validate', fixture('invalid/cycle.yaml')]);
    expect(cycle.code).toBe(1);
    expect(cycle.out).toBe(
      `error ${fixture('invalid/cycle.yaml')}:9:22 step_templates[0].depends_on_step: dependency cycle: first -> second -> first\n`,
    );
    expect(cycle.err).toBe('error: 1 problem in the templates\n');
    const bad = await runTasker(['validate', fixture('invalid/bad-value.yaml'), '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out).issues).toEqual([
      expect.objectContaining({ line: 9, column: 18, path: 'step_templates[0].retry_limit', code: 'INVALID_VALUE' }),
    ]);
    const missing = await runTasker(['validate', 'no/such/folder']);
    expect(missing.out).toBe('error no/such/folder:0:0 no such file or folder\n');
  });

  it('token mints an HS256 token the API verifies, with sub, permissions, namespaces and exp', async () => {
    const secret = 'a secret long enough for HS256 tokens';
    const args = [
      'token',
      '--sub',
      'ops@example.com',
      '--permissions',
      'tasks:read,tasks:retry',
      '--namespaces',
      'demo',
    ];
    const minted = await runTasker([...args, '--ttl', '2h'], { TASKER_JWT_SECRET: secret });
    expect(minted.code).toBe(0);
    const { payload, protectedHeader } = await jwtVerify(minted.out.trim(), new TextEncoder().encode(secret));
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({
      sub: 'ops@example.com',
      permissions: ['tasks:read', 'tasks:retry'],
      namespaces: ['demo'],
    });
    expect(payload.exp! - payload.iat!).toBe(7_200);
    const unknown = await runTasker(['token', '--sub', 'x', '--permissions', 'tasks:delete', '--namespaces', '*']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown tasks:delete; the permissions are tasks:read, /);
    expect(unknown.err).toContain('tasks:purge');
    const secretless = await runTasker(args, {});
    expect(secretless).toMatchObject({ code: 1, out: '' });
    expect(secretless.err).toMatch(/TASKER_JWT_SECRET/);
    const badTtl = await runTasker([...args, '--ttl', 'soon'], { TASKER_JWT_SECRET: secret });
    expect(badTtl.code).toBe(2);
    expect(badTtl.err).toMatch(/--ttl.*'soon'/);
  });
});

// The package's bin: the compiled dist/main.js (nx's typecheck, tsc -b, compiles it first). tsc writes it without
// the executable bit, which npm sets when it installs the bin, so it runs here through node as its shebang says;
// the consumer test runs the installed `npx tasker` itself.
describe('the tasker binary', () => {
  const bin = fileURLToPath(new URL('../dist/main.js', import.meta.url));
  const folder = mkdtempSync(join(tmpdir(), 'tasker-bin-'));
  const store = `sqlite:${join(folder, 'tasks.db')}`;
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  /** Runs the binary and answers its exit code, stdout and stderr. */
  async function spawnTasker(...args: string[]) {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { env: {} });
      return { code: 0, out: stdout, err: stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, out: failed.stdout, err: failed.stderr };
    }
  }

  it('starts with a node shebang and prints the machines', async () => {
    expect(readFileSync(bin, 'utf8').split('\n', 1)[0]).toBe('#!/usr/bin/env node');
    const { out } = await spawnTasker('machines', '--json');
    expect(Object.keys(JSON.parse(out))).toEqual(['task', 'step', 'resolution', 'compensation']);
  }, 20_000);

  it('exits 0, 1 or 2, with results alone on stdout and diagnostics on stderr', async () => {
    const created = await spawnTasker(
      'run',
      'demo/flow',
      '--context',
      '{}',
      '--store',
      store,
      '--templates',
      TEMPLATES_DIR,
    );
    expect(created).toMatchObject({ code: 0, err: '' });
    const taskId = created.out.trim();
    const shown = await spawnTasker('tasks', 'show', taskId, '--json', '--store', store);
    expect(shown).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(shown.out)).toMatchObject({ task_id: taskId, current_state: 'pending' });
    const missing = await spawnTasker('tasks', 'show', '00000000-0000-4000-8000-000000000000', '--store', store);
    expect(missing).toEqual({ code: 1, out: '', err: 'error: No task 00000000-0000-4000-8000-000000000000\n' });
    const usage = await spawnTasker('run', 'demo/flow', '--context', '{', '--store', store);
    expect(usage).toMatchObject({ code: 2, out: '' });
    expect(usage.err).toMatch(/^error: option '--context <json\|@file>' argument '\{' is invalid\. not JSON: /);
  }, 30_000);
});
