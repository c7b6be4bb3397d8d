import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/** The root package's `pretest`: what `npm test` runs first on any machine. */
const PREPARE = fileURLToPath(new URL('../../../tools/services/prepare-tests.sh', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'checkout-prepare-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/**
 * A folder of stand-ins put first on PATH: `id` answers `uid`, and `apt-get` logs its arguments and, when told to
 * install, creates the browser file as Debian's package would.
 */
function standIns(name: string, uid: number, browser: string): { path: string; aptLog: string } {
  const bin = join(folder, name);
  const aptLog = join(bin, 'apt-get.log');
  const script = (body: string) => `#!/bin/sh\n${body}\n`;
  mkdirSync(bin);
  writeFileSync(join(bin, 'id'), script(`echo ${uid}`));
  writeFileSync(
    join(bin, 'apt-get'),
    script(
      `echo "$@" >> ${aptLog}\ncase "$*" in *install*) printf '#!/bin/sh\\n' > ${browser}; chmod +x ${browser};; esac`,
    ),
  );
  for (const tool of ['id', 'apt-get']) chmodSync(join(bin, tool), 0o755);
  return { path: `${bin}:${process.env.PATH}`, aptLog };
}

function prepare(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', [PREPARE], { env: { ...process.env, ...env } }, (error, _stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stderr }),
    );
  });
}

describe('npm test on a fresh Debian machine', () => {
  it('installs Chromium with apt-get as root when the storefront test would not find it', async () => {
    const browser = join(folder, 'root-chromium');
    const { path, aptLog } = standIns('root', 0, browser);
    const { code, stderr } = await prepare({ PATH: path, TEST_CHROMIUM_BIN: browser });
    expect(code).toBe(0);
    expect(readFileSync(aptLog, 'utf8').split('\n')).toEqual([
      'update -qq',
      'install -y -qq --no-install-recommends chromium',
      '',
    ]);
    expect(existsSync(browser)).toBe(true);
    expect(stderr).toContain("installing Debian's chromium");
  });

  it('says the one command to run, and fails, when it may not install it', async () => {
    const browser = join(folder, 'user-chromium');
    const { path, aptLog } = standIns('user', 1000, browser);
    const { code, stderr } = await prepare({ PATH: path, TEST_CHROMIUM_BIN: browser });
    expect(code).toBe(1);
    expect(stderr).toContain(`needs Chromium at ${browser}; install it with: sudo apt-get install chromium`);
    expect(existsSync(aptLog)).toBe(false);
  });

  it('leaves a machine that has it alone, with PostgreSQL and Redis up', async () => {
    const browser = join(folder, 'present-chromium');
    writeFileSync(browser, '#!/bin/sh\n');
    chmodSync(browser, 0o755);
    const { code, stderr } = await prepare({ TEST_CHROMIUM_BIN: browser });
    expect(code).toBe(0);
    expect(stderr).toContain('PostgreSQL is already up');
    expect(stderr).toContain('Redis is already up');
    expect(stderr).toContain(`Chromium is at ${browser}`);
  });
});
