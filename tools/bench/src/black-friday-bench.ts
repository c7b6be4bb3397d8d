/**
 * "Black Friday" (issues 8 and 18): the checkout app runs as its own process on a fresh PostgreSQL database with a
 * 15% transient fault rate in every simulated service (payment processor, inventory service, mailer); this script
 * sends it 5,000 checkouts over HTTP, 100 at a time, 1% of them with a card that is declined for good, every tenth
 * also asking for a scarce console (stock for half of them), every fiftieth cancelled in flight (half of those while
 * a `tok_timeout` charge is held), follows each one to its outcome, and then reconciles the shop's tables: every
 * charge exactly one order or exactly one refund, every order one charge, stock moved once per order and put back
 * for every checkout compensated, no stock below zero, every stock its ledger, one email per recipient of each order, no double charge.
 *
 *   npm run bench:black-friday
 *   BENCH_CHECKOUTS=1000 BENCH_CONCURRENCY=50 npm run bench:black-friday
 *   BENCH_MERCHANTS=10 npm run bench:black-friday   (the checkouts' merchants, 50 by default: payments are limited to
 *   5 at once and 100 a minute per merchant, and the peak in flight per merchant is printed)
 *   BENCH_TASK_STORE=redis npm run bench:black-friday   (tasks in Redis, the app's tables in PostgreSQL)
 *   BENCH_FAULT_RATE=0.3 BENCH_SERVICE_LATENCY_MS=50-200 npm run bench:black-friday   (the app's FAULT_RATE, 0.15,
 *   and SERVICE_LATENCY_MS, 10-50)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { freshPostgresDatabase } from '@tasker/store-knex/testing';
import knexFactory from 'knex';
import { addScarceProduct, RECONCILIATION_RULES, reconcile, restockAll, runCheckouts } from './black-friday/index.js';
import { percentile } from './measure.js';

const CHECKOUTS = Number(process.env.BENCH_CHECKOUTS ?? 5_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 100);
/** Merchants the checkouts go to in turn: each takes at most 5 payments at once and 100 a minute. */
const MERCHANTS = Number(process.env.BENCH_MERCHANTS ?? 50);
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** With `BENCH_TASK_STORE=redis`, the engine's keys of this run; the app's tables stay in PostgreSQL. */
const REDIS_PREFIX = process.env.BENCH_TASK_STORE === 'redis' ? `black-friday-${randomBytes(4).toString('hex')}:` : '';
const APP_ENV = {
  FAULT_RATE: process.env.BENCH_FAULT_RATE ?? '0.15',
  SERVICE_LATENCY_MS: process.env.BENCH_SERVICE_LATENCY_MS ?? '10-50',
  LOG_LEVEL: 'error',
  TASKER_AUTH: 'off',
  CONCURRENCY: String(CONCURRENCY),
  // Thousands of checkouts from one address: the storefront's per-client limit would refuse all but 100 a minute.
  CHECKOUT_RATE_LIMIT: '0',
  ...(REDIS_PREFIX ? { REDIS_URL, REDIS_PREFIX } : {}),
};
const APP_MAIN = fileURLToPath(new URL('../../../apps/checkout/src/main.ts', import.meta.url));

/** CPU seconds (user + system) the process `pid` has used so far, from /proc (Linux). */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

async function waitUntilUp(baseUrl: string, app: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (app.exitCode !== null) throw new Error(`the checkout app exited with ${app.exitCode} before it listened`);
    const up = await fetch(`${baseUrl}/products`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the checkout app did not answer at ${baseUrl} within 60 s`);
}

/** Retries the app scheduled, by step, from its Prometheus metrics (`tasker_step_retries_total`). */
async function retriesByStep(baseUrl: string): Promise<string> {
  const metrics = await (await fetch(`${baseUrl}/tasker/metrics`)).text();
  const retries = [...metrics.matchAll(/^tasker_step_retries_total\{[^}]*tasker_step_name="([^"]+)"[^}]*\} (\d+)/gm)];
  return retries.map(([, step, count]) => `${step} ${count}`).join(', ') || 'none';
}

const database = await freshPostgresDatabase();
const db = knexFactory({ client: 'pg', connection: database.url, pool: { min: 0, max: 2 } });
const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
const app = spawn(process.execPath, ['--import', 'tsx', '--conditions=@tasker/source', APP_MAIN], {
  env: { ...process.env, ...APP_ENV, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: database.url },
  stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  await waitUntilUp(baseUrl, app);
  await restockAll(db, CHECKOUTS * 2);
  // Every tenth cart asks for one: stock for half of them.
  const scarce = { id: 5, name: 'Limited console', priceCents: 49_900, stock: Math.floor(CHECKOUTS / 20) };
  await addScarceProduct(db, scarce);
  console.log(
    `Black Friday: ${CHECKOUTS} checkouts, ${CONCURRENCY} concurrent, against the checkout app on PostgreSQL${REDIS_PREFIX ? ' (tasks in Redis)' : ''} ` +
      `(${Object.entries(APP_ENV)
        .map(([name, value]) => `${name}=${value}`)
        .join(' ')}); 1% declined cards, ${scarce.stock} consoles for 10% of carts, 2% cancelled in flight; ` +
      `${os.cpus().length} CPUs, Node ${process.version}`,
  );
  const appCpuBefore = cpuSecondsOf(app.pid!);
  const ownCpuBefore = process.cpuUsage();
  const load = await runCheckouts({
    baseUrl,
    checkouts: CHECKOUTS,
    concurrency: CONCURRENCY,
    declineEvery: 100,
    productIds: [1, 2, 3, 4],
    scarce: { productId: scarce.id, every: 10 },
    cancelEvery: 50,
    merchants: MERCHANTS,
  });
  const appCpuMs = (cpuSecondsOf(app.pid!) - appCpuBefore) * 1000;
  const ownCpu = process.cpuUsage(ownCpuBefore);
  const loadCpuMs = (ownCpu.user + ownCpu.system) / 1000;
  const books = await reconcile(db);
  const ms = (value: number) => `${Math.round(value)} ms`;
  console.log(`checkouts/s                 ${(load.checkouts / (load.elapsedMs / 1000)).toFixed(1)}`);
  console.log(
    `time to completion p50/p99  ${ms(percentile(load.completionMs, 0.5))} / ${ms(percentile(load.completionMs, 0.99))}`,
  );
  console.log(
    `CPU per checkout            app ${(appCpuMs / load.checkouts).toFixed(1)} ms, load generator ` +
      `${(loadCpuMs / load.checkouts).toFixed(1)} ms (app busy ${Math.round((appCpuMs / load.elapsedMs) * 100)}% of one core; ` +
      `load average ${os.loadavg()[0]!.toFixed(1)})`,
  );
  console.log(`retries scheduled           ${await retriesByStep(baseUrl)}`);
  const peaks = Object.values(load.peakPaymentsInFlight);
  console.log(
    `payments in flight/merchant peak ${Math.max(...peaks)} (limit 5; ${peaks.filter((peak) => peak === 5).length} of ${peaks.length} merchants reached it)`,
  );
  console.log(`completed                   ${load.completed}`);
  console.log(
    `not completed               ${load.failed} (declined cards sent: ${load.declined}, console carts: ` +
      `${load.scarceCarts}, cancels sent: ${load.cancelRequests})`,
  );
  console.log(
    `outcomes                    ${Object.entries(load.outcomes)
      .map(([outcome, count]) => `${outcome} ${count}`)
      .join(', ')}`,
  );
  console.log(`failed with a good card     ${load.failedWithGoodCard.length}`);
  console.log(
    `charges / orders / refunds  ${books.charges} / ${books.orders} / ${books.refunds} (emails ${books.emails})`,
  );
  console.log(`sale / return movements     ${books.saleMovements} / ${books.returnMovements}`);
  for (const rule of RECONCILIATION_RULES) console.log(`${rule.padEnd(40)}${books[rule]}`);
  const consistent =
    RECONCILIATION_RULES.every((rule) => books[rule] === 0) &&
    load.failedWithGoodCard.length === 0 &&
    books.orders === load.completed;
  console.log(consistent ? 'RECONCILED: the books balance' : 'NOT RECONCILED: see the rows above');
  process.exitCode = consistent ? 0 : 1;
} finally {
  app.kill('SIGTERM');
  if (app.exitCode === null) await once(app, 'exit');
  await db.destroy();
  await database.drop();
  if (REDIS_PREFIX) {
    const deleteKeys = `redis-cli -u ${REDIS_URL} --scan --pattern '${REDIS_PREFIX}*' | xargs -r -d '\\n' -n 500 redis-cli -u ${REDIS_URL} DEL`;
    execFileSync('sh', ['-c', `${deleteKeys} > /dev/null`]);
  }
}
