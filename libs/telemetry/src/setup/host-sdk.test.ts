import { Writable } from 'node:stream';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, expect, it } from 'vitest';
import { createLogger } from '../logging/create-logger.js';
import { createPrometheusReader } from '../metrics/prometheus-metrics.js';
import { CHECKOUT, checkoutEngine } from '../test-fixtures/checkout.js';
import { startTelemetry } from './start-telemetry.js';

// The host's SDK, registered before Tasker's telemetry starts (this file runs in a process of its own).
const hostSpans = new InMemorySpanExporter();
const hostMetrics = createPrometheusReader();
const host = new NodeSDK({
  serviceName: 'host-service',
  spanProcessors: [new SimpleSpanProcessor(hostSpans)],
  metricReaders: [hostMetrics.reader],
  logRecordProcessors: [],
});
host.start();

afterAll(() => host.shutdown());

it("uses the host's registered providers instead of starting a second SDK, and says so", async () => {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const telemetry = startTelemetry({ otlp: false, logger: createLogger({}, destination), inspect: {} });
  expect(lines.map((line) => line.msg)).toContain(
    "OpenTelemetry is registered already: Tasker's spans and metrics go to the host's providers",
  );

  const engine = checkoutEngine({ ...telemetry.engineOptions });
  telemetry.instrument(engine);
  await engine.start();
  await engine.waitForTask((await engine.runTask(CHECKOUT)).taskId);
  await engine.stop();
  const runSpan = () => hostSpans.getFinishedSpans().find((span) => span.name === 'task ecommerce/process_order');
  for (let wait = 0; !runSpan() && wait < 200; wait++) await new Promise((resolve) => setTimeout(resolve, 10));

  expect(runSpan()?.resource.attributes['service.name']).toBe('host-service');
  expect(hostSpans.getFinishedSpans().map((span) => span.name)).toContain('create ecommerce/process_order');
  const completed =
    'tasker_tasks_total{tasker_namespace="ecommerce",tasker_task_name="process_order",tasker_outcome="completed"} 1';
  expect(await hostMetrics.metrics()).toContain(completed);
  expect(await telemetry.metrics()).toContain(completed);
  await telemetry.shutdown();
});
