import { Writable } from 'node:stream';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTelemetry, type Telemetry } from '@tasker/telemetry';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutBody, postCheckout, settledStatus, startTestApp, type TestApp } from './test-fixtures/test-app.js';

/** The app with telemetry as main.ts starts it (once per process: this file runs in a process of its own). */
describe('the app with telemetry', () => {
  let telemetry: Telemetry;
  let test: TestApp;
  const lines: Array<Record<string, unknown>> = [];
  const spans = new InMemorySpanExporter();

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n'))
          if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    telemetry = startTelemetry({
      serviceName: 'checkout-test',
      otlp: false,
      logger: pino({ level: 'info' }, sink),
      spanProcessors: [new SimpleSpanProcessor(spans)],
    });
    test = await startTestApp({}, { telemetry, logger: telemetry.logger });
  });
  afterAll(async () => {
    await test.close();
    await telemetry.shutdown();
  });

  it('logs every transition of a checkout and serves its metrics at /tasker/metrics', async () => {
    const { body } = await postCheckout(test.url, checkoutBody('tok_flaky'));
    await settledStatus(test.url, body.task_id as string);
    const events = lines.filter((line) => line.taskId === body.task_id && typeof line.event === 'string');
    expect(events.filter((line) => line.event === 'step.retry_scheduled').map((line) => line.stepName)).toEqual([
      'process_payment',
      'process_payment',
    ]);
    expect(events.at(-1)).toMatchObject({ event: 'task.completed', correlationId: body.correlation_id });
    const metrics = await (await fetch(`${test.url}/tasker/metrics`)).text();
    expect(metrics).toMatch(/tasker_tasks_total\{[^}]*tasker_outcome="completed"[^}]*\} 1/);
  });

  it("joins the caller's trace: a checkout posted with a traceparent is traced under it", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpanId = '00f067aa0ba902b7';
    const { body } = await postCheckout(test.url, checkoutBody('tok_success'), {
      traceparent: `00-${traceId}-${callerSpanId}-01`,
    });
    expect(await settledStatus(test.url, body.task_id as string)).toMatchObject({ status: 'completed' });
    const inTrace = () => spans.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    // The run's span ends on the task.completed event, which may still be on its way to the tracer.
    for (let wait = 0; wait < 100 && !inTrace().some((span) => span.name.startsWith('task ')); wait++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const ofTask = inTrace();
    expect(ofTask.filter((span) => span.name.startsWith('task '))[0]?.attributes['tasker.task.id']).toBe(body.task_id);
    const created = ofTask.find((span) => span.name === 'create ecommerce/process_order');
    expect(created?.parentSpanContext?.spanId).toBe(callerSpanId);
    const run = ofTask.find((span) => span.name === 'task ecommerce/process_order');
    expect(run?.parentSpanContext?.spanId).toBe(created?.spanContext().spanId);
    expect(
      ofTask.filter((span) => span.name.startsWith('step ')).map((span) => span.parentSpanContext?.spanId),
    ).toEqual(Array.from({ length: 8 }, () => run?.spanContext().spanId)); // nine steps, one of them skipped
  });
});
