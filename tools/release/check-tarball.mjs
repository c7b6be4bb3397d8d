#!/usr/bin/env node
// Checks what npm would publish: usage `node check-tarball.mjs <package.tgz>...`. A tarball may hold only
// package.json, README.md, LICENSE and compiled code under dist/ (no tests, fixtures, build info or declaration
// maps); every source map must carry its sources, and every file that `exports`, `main`, `types` and `bin` name
// must be in it. Each problem is printed with the tarball it was found in; the exit code is 1 if there was any.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** The files a package reads at run time beside its code, which its build copies from src/ to dist/ (Lua scripts). */
function assetsOf(manifest) {
  const source = join(REPO, manifest.repository?.directory ?? '', 'src');
  if (!manifest.repository?.directory || !existsSync(source)) return [];
  return readdirSync(source, { recursive: true })
    .filter((path) => path.endsWith('.lua'))
    .map((path) => `dist/${relative(source, join(source, path))}`);
}

const ROOT_FILES = new Set(['package.json', 'README.md', 'LICENSE']);
const FORBIDDEN = [/\.test\./, /test-fixtures\//, /\.tsbuildinfo$/, /\.d\.ts\.map$/, /\.ts$(?<!\.d\.ts)/];

/** Every file path that the manifest points a consumer at. */
function entryPoints(manifest) {
  const targets = [];
  const walk = (value, condition) => {
    if (typeof value === 'string') {
      // The workspace-only condition points at sources, which are deliberately not published.
      if (condition !== '@tasker/source') targets.push(value);
    } else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) walk(inner, key);
    }
  };
  walk(manifest.exports);
  walk(manifest.bin);
  for (const field of ['main', 'types']) if (manifest[field]) targets.push(manifest[field]);
  return targets.map((target) => target.replace(/^\.\//, ''));
}

function problemsOf(tarball) {
  const problems = [];
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter((path) => path && !path.endsWith('/')) // npm writes no directory entries; other tools do
    .map((path) => path.replace(/^package\//, ''));
  const contents = new Set(files);
  for (const file of files) {
    if (!ROOT_FILES.has(file) && !file.startsWith('dist/'))
      problems.push(`${file}: not package.json, README.md, LICENSE or dist/`);
    if (FORBIDDEN.some((pattern) => pattern.test(file)))
      problems.push(`${file}: tests, fixtures, sources, build info and declaration maps are not published`);
  }
  for (const file of ROOT_FILES) if (!contents.has(file)) problems.push(`${file}: missing`);

  const dir = mkdtempSync(join(tmpdir(), 'tasker-tarball-'));
  try {
    execFileSync('tar', ['-xzf', tarball, '-C', dir]);
    const manifest = JSON.parse(readFileSync(join(dir, 'package', 'package.json'), 'utf8'));
    for (const target of entryPoints(manifest)) {
      if (!contents.has(target)) problems.push(`package.json names ${target}, which the tarball lacks`);
    }
    for (const asset of assetsOf(manifest)) {
      if (!contents.has(asset)) problems.push(`${asset}: read at run time, missing (the build copies it from src/)`);
    }
    for (const bin of Object.values(manifest.bin ?? {})) {
      const text = readFileSync(join(dir, 'package', bin), 'utf8');
      if (!text.startsWith('#!/usr/bin/env node\n')) problems.push(`${bin}: a bin must start with #!/usr/bin/env node`);
    }
    for (const file of files.filter((path) => path.endsWith('.js.map'))) {
      const map = JSON.parse(readFileSync(join(dir, 'package', file), 'utf8'));
      const withSources =
        map.sourcesContent?.length === map.sources.length &&
        map.sourcesContent.every((text) => typeof text === 'string');
      if (!withSources) problems.push(`${file}: a source map must carry its sources (inlineSources)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return problems.map((problem) => `${basename(tarball)}: ${problem}`);
}

const problems = process.argv.slice(2).flatMap(problemsOf);
for (const problem of problems) console.error(problem);
if (problems.length > 0) process.exitCode = 1;
else console.log(`${process.argv.length - 2} tarballs hold only package.json, README.md, LICENSE and dist/`);
