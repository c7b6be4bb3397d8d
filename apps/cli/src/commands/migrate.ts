import { Command } from 'commander';
import { createStoreFromUrl } from '@tasker/core';
import { UsageError } from '../cli-error.js';
import type { Io } from '../io.js';
import { writeJson } from './json-output.js';

interface MigrateOptions {
  store?: string;
  api?: string;
  json?: boolean;
}

/** `tasker migrate --store <url>`: creates or upgrades a store's schema (PostgreSQL and SQLite tables, Redis keys). */
export function migrateCommand(io: Io): Command {
  return new Command('migrate')
    .description("create or upgrade a store's schema")
    .option('--store <url>', 'the store: postgres://..., redis://..., sqlite:<path> (env TASKER_STORE_URL)')
    .option('--api <url>', 'refused: the REST API does not migrate its store')
    .option('--json', 'print the migrations applied as JSON')
    .action(async (options: MigrateOptions) => {
      if (options.api !== undefined)
        throw new UsageError('migrate needs --store: the REST API does not migrate stores');
      const url = options.store ?? (io.env.TASKER_STORE_URL || undefined);
      if (url === undefined) throw new UsageError('migrate needs --store <url> or TASKER_STORE_URL');
      const store = await createStoreFromUrl(url, { migrate: false });
      try {
        const result: unknown = 'migrate' in store && typeof store.migrate === 'function' ? await store.migrate() : [];
        const applied = Array.isArray(result) ? result.map(String) : [];
        if (options.json) return writeJson(io, { applied });
        io.out(applied.length === 0 ? 'the store is up to date\n' : `applied ${applied.join(', ')}\n`);
      } finally {
        await store.close();
      }
    });
}
