/**
 * How fast the REST API's analytics answer over a day of a million tasks (issue 23): N finished tasks of five steps
 * (with retried and failed attempts) are written straight into a fresh PostgreSQL database by `generate_series`
 * (not through the engine: seeding is not what is measured), created over the `BENCH_SPAN_HOURS` (24) hours before
 * "now"; the store's rollup triggers (migration 016) count them as they are inserted, with the statements of the
 * migration's backfill. Then the
 * figures behind `/analytics/performance` (1h, 4h and 24h windows) and `/analytics/bottlenecks` (24h) are timed
 * through the engine's methods, with this process's heap before and after, and the plans of the store's statements
 * are printed (EXPLAIN ANALYZE).
 *
 *   npm run bench:analytics                  (N=1000000)
 *   BENCH_TASKS=100000 npm run bench:analytics
 *   BENCH_SPAN_HOURS=168 npm run bench:analytics   (the tasks spread over a week)
 */
import os from 'node:os';
import knex, { type Knex } from 'knex';
import { createEngine, type ActivityFilter, type Engine } from '@tasker/core';
import { DEFAULT_TABLE_PREFIX, type KnexStore } from '@tasker/store-knex';
import { openBenchStore } from './bench-stores.js';

const TASKS = Number(process.env.BENCH_TASKS ?? 1_000_000);
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** How long before "now" the tasks' creation times spread over. */
const SPAN = Number(process.env.BENCH_SPAN_HOURS ?? 24) * HOUR;
const NOW = Date.UTC(2026, 0, 2);
const STEPS = ['validate_cart', 'reserve_stock', 'process_payment', 'ship_order', 'send_receipt'];
const tables = {
  tasks: `${DEFAULT_TABLE_PREFIX}tasks`,
  steps: `${DEFAULT_TABLE_PREFIX}steps`,
  transitions: `${DEFAULT_TABLE_PREFIX}transitions`,
};

/**
 * Tasks `1..N`: ids `t<i>`, one in ten of the refund template, every twentieth failed (at its payment step), the
 * others completed; steps of 10-1000 ms, one attempt in seven retried once with a timeout, the failed payments
 * after three declined attempts; one history entry without error per step besides those of failed attempts.
 */
async function seed(db: Knex): Promise<number> {
  const began = performance.now();
  await db.raw(
    `INSERT INTO "${tables.tasks}" (id, namespace, name, version, state, context, correlation_id, tags,
       max_parallel_steps, created_at, updated_at, started_at, completed_at)
     SELECT 't' || i, 'ecommerce', CASE WHEN i % 10 = 0 THEN 'process_refund' ELSE 'process_order' END, '1.0.0',
       CASE WHEN i % 20 = 0 THEN 'failed' ELSE 'completed' END, '{"cart_items":[{"product_id":1,"quantity":2}]}',
       'corr-' || i, '["checkout"]', 8, c, c + 5000, c + 1, c + 1 + (i::bigint * 7919) % 5000
     FROM (SELECT i, ${NOW - SPAN}::bigint + (i::bigint * ${SPAN}) / ? AS c FROM generate_series(1, ?) AS i) AS s`,
    [TASKS, TASKS],
  );
  await db.raw(
    `INSERT INTO "${tables.steps}" (task_id, name, position, handler, depends_on, settings, config, dependent_system,
       state, attempts, budget_base, started_at, completed_at, duration_ms)
     SELECT 't' || i, (ARRAY['${STEPS.join("','")}'])[p + 1], p, 'Handler' || p, '[]',
       '{"retryable":true,"retryLimit":3}', '{}', CASE WHEN p = 2 THEN 'payment_gateway' END,
       CASE WHEN i % 20 = 0 AND p = 2 THEN 'failed' WHEN i % 20 = 0 AND p > 2 THEN 'pending' ELSE 'completed' END,
       CASE WHEN i % 20 = 0 AND p = 2 THEN 3 WHEN i % 20 = 0 AND p > 2 THEN 0 WHEN (i + p) % 7 = 0 THEN 2 ELSE 1 END,
       0, NULL, NULL,
       CASE WHEN i % 20 = 0 AND p > 2 THEN NULL ELSE 10 + (i * 31 + p * 97) % 991 END
     FROM generate_series(1, ?) AS i, generate_series(0, 4) AS p`,
    [TASKS],
  );
  await db.raw(
    `INSERT INTO "${tables.transitions}" (task_id, step_name, from_state, to_state, attempt, error, caused_by, at)
     SELECT s.task_id, s.name, 'in_progress', 'waiting_for_retry', a,
       CASE WHEN s.state = 'failed'
         THEN '{"code":"PERMANENT_ERROR","message":"Card declined","name":"PermanentError"}'::jsonb
         ELSE '{"code":"RETRYABLE_ERROR","message":"Gateway timeout","name":"RetryableError"}'::jsonb END,
       'engine', 0
     FROM "${tables.steps}" AS s, generate_series(1, 3) AS a
     WHERE a < s.attempts OR (s.state = 'failed' AND a <= s.attempts)`,
  );
  // The rest of the history, which the errors statement must not read: each step's start (and end) as one entry.
  await db.raw(
    `INSERT INTO "${tables.transitions}" (task_id, step_name, from_state, to_state, attempt, caused_by, at)
     SELECT task_id, name, 'pending', state, attempts, 'engine', 0 FROM "${tables.steps}"`,
  );
  await db.raw('VACUUM ANALYZE');
  return (performance.now() - began) / 1_000;
}

const heapMb = () => {
  globalThis.gc?.();
  return (process.memoryUsage().heapUsed / 1_048_576).toFixed(1);
};

async function timed(label: string, work: () => Promise<unknown>): Promise<void> {
  const before = heapMb();
  const began = performance.now();
  await work();
  const ms = performance.now() - began;
  console.log(`  ${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms   heap ${before} -> ${heapMb()} MB`);
}

/** What `/analytics/performance` asks of the engine: the task figures of three windows at once. */
const performanceFigures = (engine: Engine) =>
  Promise.all([HOUR, 4 * HOUR, DAY].map((span) => engine.taskFigures({ createdFrom: NOW - span, createdTo: NOW + 1 })));

/** A statement as the store sent it (`$n` parameters). */
interface SentStatement {
  sql: string;
  bindings: unknown[];
}

/** PostgreSQL's plan of each statement, as it ran (EXPLAIN ANALYZE), cut to its scans, joins, sorts and aggregates. */
async function explain(db: Knex, statements: readonly SentStatement[]): Promise<void> {
  const connection = (await db.client.acquireConnection()) as {
    query(text: string, values: unknown[]): Promise<{ rows: Array<{ 'QUERY PLAN': string }> }>;
  };
  try {
    for (const [index, { sql, bindings }] of statements.entries()) {
      const { rows } = await connection.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, bindings);
      const plan = rows
        .map((row) => row['QUERY PLAN'])
        .filter((line) => /Scan|Join|Aggregate|Sort|Execution/.test(line));
      console.log(`  statement ${index + 1}: ${sql.slice(0, 100)}...\n    ${plan.join('\n    ')}`);
    }
  } finally {
    await db.client.releaseConnection(connection);
  }
}

async function main(): Promise<void> {
  console.log(
    `analytics over ${TASKS} finished tasks of five steps created over ${SPAN / HOUR} h, PostgreSQL, ` +
      `${os.cpus().length} cores, load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  const bench = await openBenchStore('postgres');
  const db = knex({ client: 'pg', connection: String(bench.location), pool: { min: 0, max: 1 } });
  try {
    console.log(`  seeded in ${(await seed(db)).toFixed(1)} s`);
    const store = bench.store as KnexStore;
    const engine = createEngine({ store });
    const day: ActivityFilter = { createdFrom: NOW - DAY, createdTo: NOW + 1 };
    console.log(`  heap at start ${heapMb()} MB`);
    await timed('performance (1h, 4h, 24h), first', () => performanceFigures(engine));
    await timed('performance (1h, 4h, 24h)', () => performanceFigures(engine));
    await timed('bottlenecks (24h), first', () => engine.stepFigures(day));
    await timed('bottlenecks (24h)', () => engine.stepFigures(day));
    await timed('bottlenecks (24h), one template', () => engine.stepFigures({ ...day, name: 'process_refund' }));
    await timed('before: listActivity of the last hour only', () =>
      engine.listActivity({ createdFrom: NOW - HOUR, createdTo: NOW + 1 }),
    );
    const sent: SentStatement[] = [];
    const record = (query: SentStatement) => {
      if (/^(SELECT|WITH) /.test(query.sql)) sent.push({ sql: query.sql, bindings: query.bindings });
    };
    store.knex.on('query', record);
    await performanceFigures(engine);
    await engine.stepFigures(day);
    store.knex.off('query', record);
    await explain(db, sent);
  } finally {
    await db.destroy();
    await bench.dispose();
  }
}

await main();
