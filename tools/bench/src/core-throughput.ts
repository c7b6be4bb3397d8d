/**
 * In-memory engine throughput (issue 2): N five-step chains and N diamonds at 50 concurrent tasks, on the engine
 * and as bare XState actors. Each run happens in a child process of its own so that peak RSS is the run's own.
 *
 *   npm run bench            (N=2000)
 *   BENCH_TASKS=500 npm run bench
 */
import os from 'node:os';
import { runOnBareXState } from './bare-xstate-run.js';
import { runOnEngine } from './engine-run.js';
import { percentile, type RunFigures } from './measure.js';
import { WORKLOADS, type WorkloadName } from './workloads.js';
import { inChild } from './in-child.js';

const TASKS = Number(process.env.BENCH_TASKS ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
type Runner = 'engine' | 'bare';

async function child(runner: Runner, workload: WorkloadName): Promise<void> {
  const run = runner === 'engine' ? runOnEngine : runOnBareXState;
  // A warm-up run lets the JIT settle so the measured run compares like with like.
  await run(WORKLOADS[workload], Math.min(200, TASKS), CONCURRENCY);
  const figures = await run(WORKLOADS[workload], TASKS, CONCURRENCY);
  process.send!(figures);
}

function row(label: string, figures: RunFigures): string {
  const cells = [
    label.padEnd(28),
    (figures.tasks / figures.seconds).toFixed(0).padStart(9),
    (figures.steps / figures.seconds).toFixed(0).padStart(9),
    percentile(figures.latenciesMs, 0.5).toFixed(2).padStart(8),
    percentile(figures.latenciesMs, 0.99).toFixed(2).padStart(8),
    figures.peakRssMb.toFixed(0).padStart(8),
    figures.cpuMicrosPerStep.toFixed(0).padStart(10),
  ];
  return cells.join(' ');
}

async function main(): Promise<void> {
  console.log(`Tasker in-memory throughput: ${TASKS} tasks per run, ${CONCURRENCY} concurrent`);
  console.log(
    `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString()}`,
  );
  console.log(
    [
      'run'.padEnd(28),
      'tasks/s'.padStart(9),
      'steps/s'.padStart(9),
      'p50 ms'.padStart(8),
      'p99 ms'.padStart(8),
      'RSS MB'.padStart(8),
      'CPU us/step'.padStart(10),
    ].join(' '),
  );
  for (const workload of Object.keys(WORKLOADS) as WorkloadName[]) {
    const engine = await inChild<RunFigures>(import.meta.url, ['engine', workload]);
    const bare = await inChild<RunFigures>(import.meta.url, ['bare', workload]);
    console.log(row(`engine  ${WORKLOADS[workload].name}`, engine));
    console.log(row(`xstate  ${WORKLOADS[workload].name}`, bare));
    const ratio = engine.steps / engine.seconds / (bare.steps / bare.seconds);
    const cpuRatio = bare.cpuMicrosPerStep / engine.cpuMicrosPerStep;
    console.log(
      `  engine / bare XState: ${ratio.toFixed(2)} by wall time, ${cpuRatio.toFixed(2)} by CPU per step (target >= 0.80, issue 17)`,
    );
  }
}

const [runner, workload] = process.argv.slice(2) as [Runner | undefined, WorkloadName | undefined];
if (runner && workload) await child(runner, workload);
else await main();
