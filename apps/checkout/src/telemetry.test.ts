import { Writable } from 'node:stream';
import { startTelemetry, type Telemetry } from '@tasker/telemetry';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutBody, postCheckout, settledStatus, startTestApp, type TestApp } from './test-fixtures/test-app.js';

/** The app with telemetry as main.ts starts it (once per process: this file runs in a process of its own). */
describe('the app with telemetry', () => {
  let telemetry: Telemetry;
  let test: TestApp;
  const lines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n'))
          if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    telemetry = startTelemetry({ serviceName: 'checkout-test', otlp: false, logger: pino({ level: 'info' }, sink) });
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
});
