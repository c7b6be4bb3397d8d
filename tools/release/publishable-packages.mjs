#!/usr/bin/env node
// Prints the directory of every publishable workspace package (every one not marked `private`), one a line, so
// that the build, pack and publish scripts all read the one list the manifests already hold.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

for (const pattern of workspaces) {
  const parent = pattern.replace(/\/\*$/, '');
  for (const entry of readdirSync(join(root, parent)).sort()) {
    const manifest = join(root, parent, entry, 'package.json');
    if (existsSync(manifest) && !JSON.parse(readFileSync(manifest, 'utf8')).private) console.log(`${parent}/${entry}`);
  }
}
