import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/create-logger.js';
import { CHECKOUT, checkoutEngine } from '../test-fixtures/checkout.js';
import { otlpConfigFromEnv } from './otlp-config.js';
import { startTelemetry, type Telemetry } from './start-telemetry.js';

/** An OTLP/HTTP collector on loopback that keeps the path and body of every request. */
async function collector() {
  const requests: Array<{ path: string; body: string }> = [];
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ path: request.url ?? '', body: Buffer.concat(chunks).toString() });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

// The NodeSDK registers global providers once per process: one setup for the whole file.
let telemetry: Telemetry;
let otlp: Awaited<ReturnType<typeof collector>>;
const spans = new InMemorySpanExporter();
const lines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  otlp = await collector();
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  telemetry = startTelemetry({
    serviceName: 'checkout-test',
    otlp: { endpoint: `${otlp.url}/`, headers: { authorization: 'Bearer t' } },
    spanProcessors: [new SimpleSpanProcessor(spans)],
    logger: createLogger({}, destination),
    inspect: {},
  });
});

afterAll(() => new Promise((resolve) => otlp.server.close(resolve)));

describe('startTelemetry', () => {
  it('traces, meters and logs an engine, and exports spans and metrics over OTLP on shutdown', async () => {
    const engine = checkoutEngine({ paymentFailures: 1, ...telemetry.engineOptions });
    telemetry.instrument(engine);
    await engine.start();
    const { taskId } = await engine.runTask({ ...CHECKOUT, correlationId: 'req_otlp' });
    await engine.waitForTask(taskId);
    await engine.stop();
    // Spans are handed to exporters once the resource's detectors (host, process) have answered.
    const runSpan = () => spans.getFinishedSpans().find((span) => span.name === 'task ecommerce/process_order');
    for (let wait = 0; !runSpan() && wait < 200; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    // The creation, the run, and six attempts (payment twice).
    expect(spans.getFinishedSpans()).toHaveLength(8);
    expect(spans.getFinishedSpans().map((span) => span.name)).toEqual(
      expect.arrayContaining([
        'create ecommerce/process_order',
        'task ecommerce/process_order',
        'step process_payment',
      ]),
    );
    expect(spans.getFinishedSpans()[0]?.resource.attributes['service.name']).toBe('checkout-test');
    expect(await telemetry.metrics()).toContain(
      'tasker_step_retries_total{tasker_namespace="ecommerce",tasker_task_name="process_order",tasker_step_name="process_payment"} 1',
    );
    // A line for each of the 14 transitions and one for the custom event create_order publishes.
    expect(lines.filter((line) => line.taskId === taskId && line.correlationId === 'req_otlp')).toHaveLength(14 + 1);

    await telemetry.shutdown();
    const traces = otlp.requests.filter((request) => request.path === '/v1/traces');
    const metrics = otlp.requests.filter((request) => request.path === '/v1/metrics');
    expect(traces.map((request) => request.body).join('')).toContain('task ecommerce/process_order');
    expect(metrics.map((request) => request.body).join('')).toContain('tasker.step.retries');
  });

  it('reads OTLP export from the standard environment, and none without an endpoint', () => {
    expect(otlpConfigFromEnv({})).toBeUndefined();
    expect(
      otlpConfigFromEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key=abc%3D,team=shop',
        OTEL_METRIC_EXPORT_INTERVAL: '5000',
      }),
    ).toEqual({
      endpoint: 'http://collector:4318',
      headers: { 'api-key': 'abc=', team: 'shop' },
      exportIntervalMs: 5000,
    });
  });
});
