import { InvalidRequestError } from '../errors/invalid-request-error.js';
import { retentionMs, type RetentionAges, type RetentionMs } from './retention-policy.js';

/** Where finished tasks go before they are purged (none by default). */
export interface ArchiveOptions {
  /** Into the store's archive table, in the purge's own transaction (PostgreSQL and SQLite only). */
  table?: boolean;
  /**
   * Into JSON Lines files in this directory, one per day of finish (`tasks-2026-12-06.jsonl`), each task written
   * and flushed before it is deleted (any store).
   */
  directory?: string;
}

/**
 * `EngineOptions.retention`: the ages of finished tasks by state (`{ completed: '7d', failed: '30d' }`, see
 * {@link RetentionAges}), archival, and how the purge paces itself.
 */
export interface RetentionOptions extends RetentionAges {
  archive?: ArchiveOptions;
  /** Tasks per batch: each batch is one listing and one short delete. 100 when absent. */
  batchSize?: number;
  /** Pause between batches, so that task traffic gets the store in between (ms). 50 when absent. */
  pauseMs?: number;
  /** How often the worker holding the retention hold purges (ms). A minute when absent. */
  intervalMs?: number;
}

/** {@link RetentionOptions}, checked. */
export interface RetentionSettings {
  ages: RetentionMs;
  archive: ArchiveOptions;
  batchSize: number;
  pauseMs: number;
  intervalMs: number;
}

/**
 * Checks `options`; `archivesToTable` says whether the store can archive into a table.
 * @throws InvalidRequestError naming the field (`retention.failed`, `retention.archive.table`, ...).
 */
export function retentionSettings(options: RetentionOptions, archivesToTable: boolean): RetentionSettings {
  const { archive = {}, batchSize = 100, pauseMs = 50, intervalMs = 60_000, ...ages } = options;
  return {
    ages: retentionMs('retention', ages),
    archive: archiveOptions('retention.archive', archive, archivesToTable),
    batchSize: checked('retention.batchSize', batchSize, 1, 'a positive whole number of tasks'),
    pauseMs: checked('retention.pauseMs', pauseMs, 0, 'a whole number of ms, 0 or more'),
    intervalMs: checked('retention.intervalMs', intervalMs, 1, 'a positive whole number of ms'),
  };
}

/**
 * Checks archive options for a store.
 * @throws InvalidRequestError naming `<field>.table` when the store has no archive table, `<field>.directory` when
 * it is not a non-empty string.
 */
export function archiveOptions(field: string, archive: ArchiveOptions, archivesToTable: boolean): ArchiveOptions {
  if (archive.table && !archivesToTable)
    throw new InvalidRequestError(`${field}.table`, 'this store has no archive table (PostgreSQL and SQLite do)');
  if (archive.directory !== undefined && (typeof archive.directory !== 'string' || archive.directory.trim() === ''))
    throw new InvalidRequestError(`${field}.directory`, 'must be the path of a directory');
  return archive;
}

function checked(field: string, value: number, least: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < least) throw new InvalidRequestError(field, `must be ${what}`);
  return value;
}
