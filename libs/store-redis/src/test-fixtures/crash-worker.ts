/**
 * A worker process for crash tests: `node --conditions=@tasker/source --import tsx crash-worker.ts <store URL>
 * <prefix>`. It runs one chain task whose `charge` handler never returns, with 1 s leases, prints `running <task
 * id>` once that handler started (the `reserve` step committed before it), and waits to be killed.
 */
import { createRedisStore } from '../create-redis-store.js';
import { createChainEngine, runChain } from './chain-engine.js';
import { until } from './until.js';

const [url, prefix] = process.argv.slice(2) as [string, string];
const store = createRedisStore(url, { prefix });
const { engine, runs } = createChainEngine({ store, workerId: 'doomed', leaseMs: 1_000, hangOn: 'charge' });
await engine.start();
const taskId = await runChain(engine);
await until(() => runs.includes(`${taskId}:charge`), 10_000);
process.stdout.write(`running ${taskId}\n`);
