/** What one benchmark run measured. */
export interface RunFigures {
  tasks: number;
  steps: number;
  seconds: number;
  /** Per-task latency from request to completion, in milliseconds, sorted ascending. */
  latenciesMs: number[];
  peakRssMb: number;
  /** CPU time (user + system) the process spent per step: steadier than wall time on a shared machine. */
  cpuMicrosPerStep: number;
}

/** The value below which `fraction` of the sorted `values` lie. */
export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

/**
 * Runs `count` tasks with at most `concurrency` in flight; `runOne` resolves when its task is done. Samples the
 * process's RSS every 20 ms.
 */
export async function drive(
  count: number,
  concurrency: number,
  stepsPerTask: number,
  runOne: () => Promise<void>,
): Promise<RunFigures> {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const latencies: number[] = [];
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const lane = async () => {
    while (next < count) {
      next++;
      const begin = performance.now();
      await runOne();
      latencies.push(performance.now() - begin);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const seconds = (performance.now() - started) / 1_000;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  return {
    tasks: count,
    steps: count * stepsPerTask,
    seconds,
    latenciesMs: latencies.sort((a, b) => a - b),
    peakRssMb: peakRss / 2 ** 20,
    cpuMicrosPerStep: (cpu.user + cpu.system) / (count * stepsPerTask),
  };
}
