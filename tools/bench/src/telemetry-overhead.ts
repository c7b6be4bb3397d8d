/**
 * What observability costs (issue 7): in-memory throughput of the five-step chain with tracing and metrics on, with
 * pino logs of every transition too, and with subscribers that throw or are slow, each as a ratio to the bare
 * engine. Each run happens in a child process of its own, after a warm-up run.
 *
 *   npm run bench:telemetry            (N=2000)
 *   BENCH_TASKS=500 npm run bench:telemetry
 */
import os from 'node:os';
import type { Engine } from '@tasker/core';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ExportResultCode } from '@opentelemetry/core';
import {
  EventSubscriber,
  createLogger,
  createPrometheusMetrics,
  createStartTrace,
  logEngineEvents,
  meterEngine,
  traceEngine,
  type EventHandlers,
} from '@tasker/telemetry';
import { pino } from 'pino';
import { runOnEngine, type EngineRunSetup } from './engine-run.js';
import { percentile, type RunFigures } from './measure.js';
import { checkoutChain } from './workloads.js';
import { inChild } from './in-child.js';

const TASKS = Number(process.env.BENCH_TASKS ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);

/** Takes spans as a collector would, and drops them: the cost measured is making and batching spans. */
class DiscardingExporter implements SpanExporter {
  exported = 0;
  export(spans: Parameters<SpanExporter['export']>[0], done: Parameters<SpanExporter['export']>[1]): void {
    this.exported += spans.length;
    done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {}
}

/** Throws from every handler it has: the engine must not notice. */
class ThrowingSubscriber extends EventSubscriber implements EventHandlers {
  static override readonly subscribesTo = ['step.started', 'step.completed', 'task.completed'] as const;
  handleStepStarted(): void {
    throw new Error('subscriber broke');
  }
  handleStepCompleted(): void {
    throw new Error('subscriber broke');
  }
  handleTaskCompleted(): void {
    throw new Error('subscriber broke');
  }
}

/** Awaits 50 ms of I/O (a Slack call, say) on every step event: the engine must not wait for it. */
class SlowSubscriber extends EventSubscriber implements EventHandlers {
  static override readonly subscribesTo = ['step.started', 'step.completed'] as const;
  handleStepStarted(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, 50));
  }
  handleStepCompleted(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const tracing = (): ((engine: Engine) => void) => {
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(new DiscardingExporter(), { maxQueueSize: 100_000 })],
  });
  return (engine) => traceEngine(engine, { tracerProvider });
};

/** Each variant: its label and the setup of its engine. */
const VARIANTS: Record<string, { label: string; setup: () => EngineRunSetup }> = {
  off: { label: 'no telemetry', setup: () => ({}) },
  observed: {
    label: 'traces + metrics',
    setup: () => {
      const trace = tracing();
      const { meterProvider } = createPrometheusMetrics();
      return {
        options: { startTrace: createStartTrace() },
        attach: (engine) => {
          trace(engine);
          meterEngine(engine, { meterProvider });
        },
      };
    },
  },
  logged: {
    label: 'traces + metrics + pino logs',
    setup: () => {
      const trace = tracing();
      const { meterProvider } = createPrometheusMetrics();
      const logger = createLogger({}, pino.destination({ dest: '/dev/null', sync: false }));
      return {
        options: { startTrace: createStartTrace(), logger },
        attach: (engine) => {
          trace(engine);
          meterEngine(engine, { meterProvider });
          logEngineEvents(engine, logger);
        },
      };
    },
  },
  throwing: {
    label: 'a subscriber that throws',
    setup: () => ({ attach: (engine) => void new ThrowingSubscriber().subscribe(engine) }),
  },
  slow: {
    label: 'a subscriber awaiting 50 ms',
    setup: () => ({ attach: (engine) => void new SlowSubscriber().subscribe(engine) }),
  },
};
type Variant = keyof typeof VARIANTS;

async function child(variant: Variant): Promise<void> {
  const { setup } = VARIANTS[variant]!;
  await runOnEngine(checkoutChain, Math.min(200, TASKS), CONCURRENCY, undefined, setup());
  process.send!(await runOnEngine(checkoutChain, TASKS, CONCURRENCY, undefined, setup()));
}

async function main(): Promise<void> {
  console.log(`Tasker telemetry overhead: ${TASKS} five-step chains per run, ${CONCURRENCY} concurrent, in memory`);
  console.log(
    `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString()}`,
  );
  console.log(
    [
      'run'.padEnd(30),
      'steps/s'.padStart(9),
      'p50 ms'.padStart(8),
      'CPU us/step'.padStart(12),
      'ratio'.padStart(7),
      'by CPU'.padStart(7),
    ].join(' '),
  );
  const off = await inChild<RunFigures>(import.meta.url, ['off']);
  const rate = (figures: RunFigures) => figures.steps / figures.seconds;
  for (const variant of Object.keys(VARIANTS) as Variant[]) {
    const figures = variant === 'off' ? off : await inChild<RunFigures>(import.meta.url, [variant]);
    console.log(
      [
        VARIANTS[variant]!.label.padEnd(30),
        rate(figures).toFixed(0).padStart(9),
        percentile(figures.latenciesMs, 0.5).toFixed(2).padStart(8),
        figures.cpuMicrosPerStep.toFixed(0).padStart(12),
        (rate(figures) / rate(off)).toFixed(2).padStart(7),
        (off.cpuMicrosPerStep / figures.cpuMicrosPerStep).toFixed(2).padStart(7),
      ].join(' '),
    );
  }
  console.log('p50 ms: a task from request to completion; ratio: steps/s against no telemetry;');
  console.log("by CPU: CPU per step of no telemetry over this run's (steadier on a shared machine)");
  console.log('target: traces + metrics >= 0.70 of no telemetry');
}

const [variant] = process.argv.slice(2) as [Variant | undefined];
if (variant) await child(variant);
else await main();
