import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const CORE = fileURLToPath(new URL('../..', import.meta.url));
let app: string;

/**
 * An application folder with @tasker/core and its own dependencies installed, and no adapter: what a user has after
 * `npm install @tasker/core`. Links stand for the installed packages; the app runs with --preserve-symlinks, so
 * that core looks for the adapters in the app's node_modules, not in this repository's.
 */
beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'tasker-core-alone-'));
  mkdirSync(join(app, 'node_modules', '@tasker'), { recursive: true });
  symlinkSync(CORE, join(app, 'node_modules', '@tasker', 'core'));
  const manifest = JSON.parse(readFileSync(join(CORE, 'package.json'), 'utf8')) as Record<string, object>;
  for (const name of Object.keys(manifest.dependencies!)) {
    symlinkSync(dirname(require.resolve(`${name}/package.json`)), join(app, 'node_modules', name));
  }
  writeFileSync(
    join(app, 'open.mjs'),
    "import { createStoreFromUrl } from '@tasker/core';\n" +
      'await createStoreFromUrl(process.argv[2]).then(\n' +
      "  async (store) => { console.log('opened'); await store.close(); },\n" +
      '  (error) => console.log(`${error.code}: ${error.message}`),\n' +
      ');\n',
  );
});

afterAll(() => rmSync(app, { recursive: true, force: true }));

function openInApp(url: string): Promise<string> {
  const args = [
    '--preserve-symlinks',
    '--conditions=@tasker/source',
    '--import',
    require.resolve('tsx'),
    'open.mjs',
    url,
  ];
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, { cwd: app }, (error, stdout) => (error ? reject(error) : resolve(stdout.trim()))),
  );
}

describe('createStoreFromUrl where only @tasker/core is installed', () => {
  it('names the scheme and the npm install line of the missing adapter, without the password', async () => {
    expect(await openInApp('postgres://shop:hunter2@db:5432/shop')).toBe(
      'STORE_ADAPTER_MISSING: a postgres: store URL needs the packages @tasker/store-knex and pg, and ' +
        "'@tasker/store-knex' is not installed: run npm install @tasker/store-knex pg",
    );
    expect(await openInApp('redis://cache:6379')).toContain('run npm install @tasker/store-redis ioredis');
  });

  it('opens the in-memory store, which needs no adapter', async () => {
    expect(await openInApp('memory:')).toBe('opened');
  });
});
