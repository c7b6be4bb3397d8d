import type { Knex } from 'knex';
import { dialectOf, type Dialect } from '../dialect.js';
import { quote } from '../rows/column.js';
import {
  ROLLUP_SOURCES,
  TEMPLATE_KEY,
  timeKey,
  rollupUpserts,
  type RollupSource,
  type RowChange,
} from '../rollups/rollup-upserts.js';
import type { TableNames } from '../table-names.js';
import { createErrorsIndex } from './014-analytics-indexes.js';

/** Each rollup table: what it is keyed by beyond the template key, and the counts and sums it holds. */
function rollupTables(
  tables: TableNames,
): Array<{ table: string; keys: string[]; sums: string[]; hourly?: boolean; system?: boolean }> {
  return [
    { table: tables.taskRollups, keys: ['state'], sums: ['tasks'] },
    {
      table: tables.stepRollups,
      keys: ['step'],
      sums: ['executions', 'attempts', 'retries', 'failures'],
      system: true,
    },
    { table: tables.durationRollups, keys: ['step', 'bucket'], sums: ['count', 'total'], hourly: true },
    { table: tables.errorRollups, keys: ['step', 'code', 'message'], sums: ['count'] },
  ];
}

/** What a trigger runs on: rows inserted, or rows updated (transitions are never updated). */
const EVENTS: Array<[RollupSource, 'insert' | 'update']> = [
  ['tasks', 'insert'],
  ['tasks', 'update'],
  ['steps', 'insert'],
  ['steps', 'update'],
  ['transitions', 'insert'],
];

const triggerName = (tables: TableNames, source: RollupSource, event: string) => `${tables[source]}_rollup_${event}`;

/**
 * PostgreSQL: one statement-level trigger per source and event, with transition tables, so a batch statement that
 * updates a hundred steps runs each upsert once over all of them (grouped), not once per row. Transition tables
 * forbid a column list, so an update of other columns (a lease renewed) fires it too; its rows cancel out and it
 * upserts nothing.
 */
async function createPostgresTriggers(db: Knex, tables: TableNames): Promise<void> {
  for (const [source, event] of EVENTS) {
    const name = triggerName(tables, source, event);
    const change: RowChange = event === 'insert' ? { added: 'new_rows' } : { added: 'new_rows', removed: 'old_rows' };
    const body = rollupUpserts('postgres', tables, source, change).join(';\n');
    await db.raw(
      `CREATE FUNCTION ${quote(name)}() RETURNS trigger LANGUAGE plpgsql AS $rollup$ BEGIN\n${body};\nRETURN NULL; END $rollup$`,
    );
    const transitionTables =
      event === 'insert' ? 'NEW TABLE AS new_rows' : 'OLD TABLE AS old_rows NEW TABLE AS new_rows';
    await db.raw(
      `CREATE TRIGGER ${quote(name)} AFTER ${event.toUpperCase()} ON ${quote(tables[source])} ` +
        `REFERENCING ${transitionTables} FOR EACH STATEMENT EXECUTE FUNCTION ${quote(name)}()`,
    );
  }
}

/** A row trigger's `NEW` or `OLD` row as a one-row subquery of the source's columns. */
function rowOf(which: 'NEW' | 'OLD', source: RollupSource): string {
  return `(SELECT ${ROLLUP_SOURCES[source].map((column) => `${which}.${quote(column)} AS ${quote(column)}`).join(', ')})`;
}

/**
 * SQLite: row-level triggers (the only kind it has); an update trigger fires only when a column the rollups read
 * changed.
 */
async function createSqliteTriggers(db: Knex, tables: TableNames): Promise<void> {
  for (const [source, event] of EVENTS) {
    const change: RowChange =
      event === 'insert'
        ? { added: rowOf('NEW', source) }
        : { added: rowOf('NEW', source), removed: rowOf('OLD', source) };
    const columns = event === 'update' ? ` OF ${ROLLUP_SOURCES[source].map(quote).join(', ')}` : '';
    const body = rollupUpserts('sqlite', tables, source, change).join(';\n');
    await db.raw(
      `CREATE TRIGGER ${quote(triggerName(tables, source, event))} AFTER ${event.toUpperCase()}${columns} ` +
        `ON ${quote(tables[source])} BEGIN\n${body};\nEND`,
    );
  }
}

/**
 * The statements that count every stored row into the (empty) rollups: the triggers' own statements with each
 * source table's rows as added. The migration runs them; `tools/bench` seeds through the triggers.
 */
export function rollupBackfill(dialect: Dialect, tables: TableNames): string[] {
  return (Object.keys(ROLLUP_SOURCES) as RollupSource[]).flatMap((source) =>
    rollupUpserts(dialect, tables, source, { added: quote(tables[source]) }),
  );
}

/**
 * Analytics rollups (`TaskAnalytics`): per creation minute (and hour, for duration histograms) and template version, tasks by state, step counters,
 * duration histograms (tasks' and steps') and failed attempts by error, kept by triggers in the transaction of every
 * write, and backfilled here from the stored rows.
 */
export async function up(db: Knex, tables: TableNames): Promise<void> {
  const dialect = dialectOf(db);
  for (const { table, keys, sums, hourly = false, system } of rollupTables(tables)) {
    await db.schema.createTable(table, (t) => {
      if (hourly) t.integer('span').notNullable();
      t.bigInteger('minute').notNullable();
      for (const key of [...TEMPLATE_KEY, ...keys])
        if (key === 'bucket') t.bigInteger(key).notNullable();
        else t.text(key).notNullable();
      for (const sum of sums) t.bigInteger(sum).notNullable();
      if (system) t.text('system');
      t.primary([...timeKey(hourly), ...TEMPLATE_KEY, ...keys]);
    });
  }
  // Triggers first: on PostgreSQL creating one locks its table against writes until the migration commits, so no
  // write falls between the backfill and the triggers, nor is counted by both.
  if (dialect === 'postgres') await createPostgresTriggers(db, tables);
  else await createSqliteTriggers(db, tables);
  for (const statement of rollupBackfill(dialect, tables)) await db.raw(statement);
  // Only the errors statement the rollups replace read it (and the backfill above); every failed attempt paid for it.
  await db.raw(`DROP INDEX ${quote(`${tables.transitions}_errors`)}`);
}

/** Drops what {@link up} added. */
export async function down(db: Knex, tables: TableNames): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  for (const [source, event] of EVENTS) {
    const name = quote(triggerName(tables, source, event));
    await db.raw(`DROP TRIGGER ${name}${postgres ? ` ON ${quote(tables[source])}` : ''}`);
    if (postgres) await db.raw(`DROP FUNCTION ${name}()`);
  }
  for (const { table } of rollupTables(tables)) await db.schema.dropTable(table);
  await createErrorsIndex(db, tables);
}
