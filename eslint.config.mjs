import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * One ESLint configuration for every package. Each package lints itself with `eslint .`; ESLint finds this file by
 * walking up from the package folder.
 *
 * The module boundaries follow the package table of docs/ARCHITECTURE.md, section 2. scope:core (libs/core,
 * libs/template) imports only scope:core and no driver, server or OpenTelemetry package; scope:adapter imports
 * scope:core; scope:api imports scope:core, scope:adapter and scope:ui (the dashboard's assets, which it serves);
 * scope:ui (libs/dashboard) imports none of ours; scope:app (and scope:tool, for benchmarks and chaos
 * runs) may import anything. A package without one of these tags may import none of ours, so tag every package.
 *
 * `@nx/enforce-module-boundaries` reads the project graph that nx caches in `.nx/workspace-data`: under
 * `nx run-many -t lint` it is always fresh; a bare `eslint .` in a fresh clone skips the rule (with a warning) until
 * some nx command has run once.
 */
export default defineConfig(
  {
    ignores: [
      '**/dist',
      '**/out-tsc',
      '**/node_modules',
      '**/coverage',
      '**/.nx',
      '**/test-artifacts',
      // Scratch scripts of a profiling session; never committed (see .gitignore).
      '**/*-tmp.mts',
      '**/vite.config.*.timestamp*',
      '**/vitest.config.*.timestamp*',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    files: ['**/*.ts', '**/*.mts', '**/*.cts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            {
              sourceTag: 'scope:core',
              onlyDependOnLibsWithTags: ['scope:core'],
              // Core emits events and defines ports; telemetry, drivers and servers live in adapters and apps.
              bannedExternalImports: [
                '@opentelemetry/*',
                'pino',
                'pg',
                'knex',
                'better-sqlite3',
                'ioredis',
                'fastify',
                '@fastify/*',
              ],
            },
            { sourceTag: 'scope:adapter', onlyDependOnLibsWithTags: ['scope:core'] },
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:core', 'scope:adapter', 'scope:ui'] },
            // The dashboard is a browser app of static assets: it talks to the REST API over HTTP, imports none of ours.
            { sourceTag: 'scope:ui', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:app', onlyDependOnLibsWithTags: ['*'] },
            { sourceTag: 'scope:tool', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
    },
  },
  {
    // Build and test configurations import the shared presets at the workspace root, which belong to no project.
    files: ['**/*.config.{ts,mts,cts,js,mjs,cjs}'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  prettier,
);
