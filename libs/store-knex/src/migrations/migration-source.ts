import type { Knex } from 'knex';
import type { TableNames } from '../table-names.js';
import * as createTables from './001-create-tables.js';
import * as traceContext from './002-trace-context.js';
import * as leases from './003-leases.js';
import * as roomForUpdates from './004-room-for-updates.js';
import * as dependentSystem from './005-dependent-system.js';
import * as eventLog from './006-event-log.js';
import * as subscriberPositions from './007-subscriber-positions.js';
import * as webhookDeliveries from './008-webhook-deliveries.js';
import * as signals from './009-signals.js';
import * as schedules from './010-schedules.js';
import * as deadlines from './011-deadlines.js';
import * as stepItems from './012-step-items.js';
import * as limits from './013-priorities-concurrency-and-rate-limits.js';
import * as analyticsIndexes from './014-analytics-indexes.js';
import * as taskRetention from './015-task-retention.js';
import * as analyticsRollups from './016-analytics-rollups.js';

/** A numbered migration, given the table names so that one schema serves every table prefix. */
interface TaskerMigration {
  name: string;
  up(db: Knex, tables: TableNames): Promise<void>;
  down(db: Knex, tables: TableNames): Promise<void>;
}

/** Every migration, oldest first. Add a file `NNN-what-it-does.ts` beside this one and list it here. */
const MIGRATIONS: readonly TaskerMigration[] = [
  { name: '001-create-tables', ...createTables },
  { name: '002-trace-context', ...traceContext },
  { name: '003-leases', ...leases },
  { name: '004-room-for-updates', ...roomForUpdates },
  { name: '005-dependent-system', ...dependentSystem },
  { name: '006-event-log', ...eventLog },
  { name: '007-subscriber-positions', ...subscriberPositions },
  { name: '008-webhook-deliveries', ...webhookDeliveries },
  { name: '009-signals', ...signals },
  { name: '010-schedules', ...schedules },
  { name: '011-deadlines', ...deadlines },
  { name: '012-step-items', ...stepItems },
  { name: '013-priorities-concurrency-and-rate-limits', ...limits },
  { name: '014-analytics-indexes', ...analyticsIndexes },
  { name: '015-task-retention', ...taskRetention },
  { name: '016-analytics-rollups', ...analyticsRollups },
];

/**
 * The store's migrations as a knex migration source. They are imported modules rather than files knex finds in a
 * folder, so they run the same from the TypeScript sources and from `dist`.
 */
export class TaskerMigrationSource implements Knex.MigrationSource<TaskerMigration> {
  readonly #tables: TableNames;

  constructor(tables: TableNames) {
    this.#tables = tables;
  }

  async getMigrations(): Promise<TaskerMigration[]> {
    return [...MIGRATIONS];
  }

  getMigrationName(migration: TaskerMigration): string {
    return migration.name;
  }

  async getMigration(migration: TaskerMigration): Promise<Knex.Migration> {
    return { up: (db) => migration.up(db, this.#tables), down: (db) => migration.down(db, this.#tables) };
  }
}
