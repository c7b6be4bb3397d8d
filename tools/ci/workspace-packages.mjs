// The packages of the npm workspace, read from the root package.json's `workspaces` globs (each of the form
// `dir/*`), for the CI and release scripts that go over all of them.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The repository's root directory. */
export const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Every workspace package, in the order of the `workspaces` globs and then by name.
 * @returns its directory relative to the root (`libs/core`), its absolute directory and its parsed package.json.
 */
export function workspacePackages() {
  const { workspaces } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  return workspaces.flatMap((pattern) => {
    const parent = pattern.replace(/\/\*$/, '');
    return readdirSync(join(ROOT, parent))
      .sort()
      .map((entry) => ({ path: `${parent}/${entry}`, dir: join(ROOT, parent, entry) }))
      .filter(({ dir }) => existsSync(join(dir, 'package.json')))
      .map((found) => ({ ...found, manifest: JSON.parse(readFileSync(join(found.dir, 'package.json'), 'utf8')) }));
  });
}
