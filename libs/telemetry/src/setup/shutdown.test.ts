import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createEngine } from '@tasker/core';
import { expect, it } from 'vitest';
import { ATTR } from '../attributes.js';
import { startTelemetry } from './start-telemetry.js';

/** Keeps every span it is given, also after shutdown (the in-memory exporter forgets them on shutdown). */
function keepingExporter(): SpanExporter & { spans: ReadableSpan[] } {
  const spans: ReadableSpan[] = [];
  return {
    spans,
    export: (batch: ReadableSpan[], done: (result: ExportResult) => void) => {
      spans.push(...batch);
      done({ code: ExportResultCode.SUCCESS });
    },
    shutdown: async () => undefined,
  };
}

it('exports the span of a run the engine stopped mid-way when telemetry shuts down after the engine', async () => {
  const exporter = keepingExporter();
  const telemetry = startTelemetry({
    otlp: false,
    spanProcessors: [new BatchSpanProcessor(exporter)],
    logTransitions: false,
    inspect: {},
  });
  const engine = createEngine({ ...telemetry.engineOptions, workerId: 'first-process' });
  let started: () => void;
  const stepStarted = new Promise<void>((resolve) => (started = resolve));
  engine.registerHandler('wait', (ctx) => {
    started();
    // Runs until the engine stops and aborts it, as a long call would when the process is told to stop.
    return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('stopped'))));
  });
  engine.registerTemplate({
    namespace: 'test',
    name: 'long',
    version: '1.0.0',
    steps: [{ name: 'wait', handler: 'wait' }],
  });
  telemetry.instrument(engine);
  await engine.start();
  const { taskId } = await engine.runTask({ namespace: 'test', name: 'long', context: {} });
  await stepStarted;

  // What docs/OBSERVABILITY.md tells a service to do on SIGTERM.
  await engine.stop({ gracePeriodMs: 10 });
  await telemetry.shutdown();

  const run = exporter.spans.find((span) => span.name === 'task test/long');
  expect(run?.attributes[ATTR.taskId]).toBe(taskId);
  expect(run?.attributes[ATTR.outcome]).toBe('interrupted');
  expect(exporter.spans.find((span) => span.name === 'step wait')?.attributes[ATTR.outcome]).toBe('interrupted');
});
