import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * This machine's PostgreSQL limit for our kind of write: pgbench, one single-row INSERT per transaction, 8 clients,
 * synchronous_commit on. Returns transactions per second.
 */
export function pgbenchSingleRowInserts(url: URL, seconds = 10): number {
  const dir = mkdtempSync(join(tmpdir(), 'pgbench-'));
  try {
    const script = join(dir, 'insert.sql');
    writeFileSync(script, 'INSERT INTO tasker_bench_insert (v) VALUES (1);\n');
    const connection = ['-h', url.hostname, '-p', url.port || '5432', '-U', url.username || 'postgres'];
    const database = url.pathname.slice(1) || 'postgres';
    execFileSync('psql', [
      ...connection,
      '-q',
      '-d',
      database,
      '-c',
      'DROP TABLE IF EXISTS tasker_bench_insert; CREATE TABLE tasker_bench_insert (id bigserial primary key, v int)',
    ]);
    const output = execFileSync(
      'pgbench',
      [...connection, '-n', '-c', '8', '-j', '2', '-T', String(seconds), '-f', script, database],
      { encoding: 'utf8', env: { ...process.env, PGOPTIONS: '-c synchronous_commit=on' } },
    );
    execFileSync('psql', [...connection, '-q', '-d', database, '-c', 'DROP TABLE tasker_bench_insert']);
    const tps = /tps = ([\d.]+)/.exec(output)?.[1];
    if (!tps) throw new Error(`pgbench printed no tps:\n${output}`);
    return Number(tps);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * SQLite's limit for our kind of write on this disk: single-row INSERTs, one transaction each, with the settings
 * the knex store uses (WAL, synchronous=NORMAL). Returns inserts per second.
 */
export function sqliteSingleRowInserts(seconds = 3): number {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-bench-'));
  try {
    const db = new Database(join(dir, 'bench.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (1)');
    let count = 0;
    const until = performance.now() + seconds * 1_000;
    while (performance.now() < until) {
      insert.run();
      count++;
    }
    db.close();
    return count / seconds;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
