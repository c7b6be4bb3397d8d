import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_DATABASE_URL } from '@tasker/store-knex/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { TEMPLATES_DIR } from './config/checkout-config.js';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'checkout-startup-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Runs the app's main as `npm start` does, with `env` added, and answers its exit code and stderr. */
function startApp(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const args = ['--conditions=@tasker/source', '--import', 'tsx', MAIN];
  const appEnv = { ...process.env, PORT: '0', SQLITE_FILE: join(folder, 'checkout.sqlite'), LOG_LEVEL: 'warn', ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env: appEnv, timeout: 30_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr });
    });
  });
}

/** A line of a stack trace, which a known startup error must not print. */
const STACK_LINE = /^\s+at /m;

describe('a start that fails', () => {
  it('names the missing PostgreSQL database and how to create it, once, without the password', async () => {
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = '/tasker_checkout_missing';
    url.password = 'hunter2';
    const { code, stderr } = await startApp({ DATABASE_URL: url.toString() });

    expect(code).toBe(1);
    expect(stderr).toContain(`PostgreSQL database "tasker_checkout_missing" does not exist on ${url.hostname}:`);
    expect(stderr).toContain(`createdb -h ${url.hostname} -p ${url.port || '5432'}`);
    expect(stderr).toContain('CREATE DATABASE "tasker_checkout_missing";');
    expect(stderr.match(/does not exist/g)).toHaveLength(1);
    expect(stderr).not.toMatch(STACK_LINE);
    expect(stderr).not.toContain('hunter2');
  });

  it.each([
    ['PostgreSQL', 'DATABASE_URL', 'postgres://postgres:hunter2@127.0.0.1:1/shop'],
    ['Redis', 'REDIS_URL', 'redis://:hunter2@127.0.0.1:1'],
  ])('names the %s that does not answer by host and port, without the password', async (name, variable, url) => {
    const { code, stderr } = await startApp({ [variable]: url });

    expect(code).toBe(1);
    expect(stderr).toContain(`Cannot connect to ${name} at 127.0.0.1:1 (${variable}=${url.replace('hunter2', '***')})`);
    expect(stderr).toContain(`or fix ${variable}`);
    expect(stderr).not.toMatch(STACK_LINE);
    expect(stderr).not.toContain('hunter2');
  });

  it('lists every problem of a broken template by file, line and field, and nothing else', async () => {
    const templates = join(folder, 'templates');
    cpSync(TEMPLATES_DIR, templates, { recursive: true });
    const file = join(templates, 'ecommerce', 'order_processing_handler.yaml');
    const lines = readFileSync(file, 'utf8').split('\n');
    const line = lines.findIndex((text) => text.includes('retry_limit: 3')) + 1;
    lines[line - 1] = lines[line - 1]!.replace('retry_limit: 3', 'retry_limit: many');
    writeFileSync(file, lines.join('\n'));

    const { code, stderr } = await startApp({ TASKER_TEMPLATES_DIR: templates });

    expect(code).toBe(1);
    expect(stderr).toMatch(
      new RegExp(`order_processing_handler\\.yaml:${line}:\\d+ step_templates\\[0\\]\\.retry_limit: `),
    );
    expect(stderr).not.toMatch(STACK_LINE);
    expect(stderr.trim().split('\n').length).toBeLessThanOrEqual(4);
  });

  it('names a malformed setting alone', async () => {
    const { code, stderr } = await startApp({ FAULT_RATE: '15%' });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe("The checkout app could not start:\nFAULT_RATE must be a number from 0 to 1, not '15%'");
  });
});
