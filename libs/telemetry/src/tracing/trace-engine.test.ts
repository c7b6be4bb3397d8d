import { SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createMemoryStore } from '@tasker/core';
import { waitForEvent } from '@tasker/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { CHECKOUT, checkoutEngine } from '../test-fixtures/checkout.js';
import { SHOP_ORDER, compensatingEngine } from '../test-fixtures/compensating-engine.js';
import { createStartTrace } from './create-start-trace.js';
import { traceEngine } from './trace-engine.js';

const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
afterEach(() => exporter.reset());

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER = { traceparent: `00-${CALLER_TRACE}-00f067aa0ba902b7-01` };

/** A started checkout engine whose spans go to the in-memory exporter. */
async function tracedCheckout(options: Parameters<typeof checkoutEngine>[0] = {}) {
  const engine = checkoutEngine({ startTrace: createStartTrace({ tracerProvider }), ...options });
  const stopTracing = traceEngine(engine, { tracerProvider });
  await engine.start();
  return { engine, stopTracing };
}

const spansNamed = (name: string) => exporter.getFinishedSpans().filter((span) => span.name === name);

describe('spans of task runs', () => {
  it('traces a checkout with one retry as a tree: creation, the run, one span per attempt', async () => {
    const { engine } = await tracedCheckout({ paymentFailures: 1 });
    const { taskId, correlationId } = await engine.runTask({ ...CHECKOUT, traceContext: CALLER });
    await engine.waitForTask(taskId);
    await new Promise((resolve) => setImmediate(resolve));

    const [create] = spansNamed('create ecommerce/process_order');
    const [run] = spansNamed('task ecommerce/process_order');
    expect(create?.spanContext().traceId).toBe(CALLER_TRACE);
    expect(create?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(run?.parentSpanContext?.spanId).toBe(create?.spanContext().spanId);
    expect(run?.spanContext().traceId).toBe(CALLER_TRACE);
    expect(run?.attributes).toEqual({
      'tasker.namespace': 'ecommerce',
      'tasker.task.name': 'process_order',
      'tasker.task.version': '1.0.0',
      'tasker.task.id': taskId,
      'tasker.correlation_id': correlationId,
      'tasker.outcome': 'completed',
    });
    expect(run?.status.code).toBe(SpanStatusCode.OK);

    const attempts = exporter
      .getFinishedSpans()
      .filter((span) => span.name.startsWith('step '))
      .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
    expect(attempts.map((span) => [span.name, span.attributes['tasker.step.attempt']])).toEqual([
      ['step validate_cart', 1],
      ['step process_payment', 1],
      ['step process_payment', 2],
      ['step update_inventory', 1],
      ['step create_order', 1],
      ['step send_confirmation', 1],
    ]);
    expect(attempts.every((span) => span.parentSpanContext?.spanId === run?.spanContext().spanId)).toBe(true);
    const failed = attempts[1]!;
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Payment gateway timeout' });
    expect(failed.attributes).toMatchObject({
      'tasker.step.name': 'process_payment',
      'tasker.task.id': taskId,
      'tasker.correlation_id': correlationId,
      'tasker.outcome': 'waiting_for_retry',
      'tasker.error.message': 'Payment gateway timeout',
      'tasker.error.code': 'RETRYABLE_ERROR',
      'error.type': 'RetryableError',
    });
    expect(attempts[2]!.status.code).toBe(SpanStatusCode.OK);
    expect(attempts[2]!.attributes['tasker.outcome']).toBe('completed');
    expect(attempts.every((span) => span.endTime[0] * 1e9 + span.endTime[1] >= span.startTime[0] * 1e9)).toBe(true);
    await engine.stop();
  });

  it('marks a failed task and its last attempt as errors', async () => {
    const { engine } = await tracedCheckout({ paymentFailures: 9, defaults: { retryLimit: 1 } });
    const { taskId } = await engine.runTask(CHECKOUT);
    expect((await engine.waitForTask(taskId)).state).toBe('failed');
    await new Promise((resolve) => setImmediate(resolve));
    const [run] = spansNamed('task ecommerce/process_order');
    expect(run?.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'step process_payment failed: Payment gateway timeout',
    });
    expect(run?.attributes).toMatchObject({
      'tasker.outcome': 'failed',
      'tasker.step.name': 'process_payment',
      'tasker.error.message': 'Payment gateway timeout',
      'tasker.error.code': 'RETRYABLE_ERROR',
    });
    expect(run?.events.find((event) => event.name === 'exception')?.attributes).toMatchObject({
      'exception.message': 'Payment gateway timeout',
      'exception.type': 'RetryableError',
    });
    expect(spansNamed('step process_payment').map((span) => span.attributes['tasker.outcome'])).toEqual([
      'waiting_for_retry',
      'failed',
    ]);
    expect(spansNamed('step update_inventory')).toEqual([]);
    await engine.stop();
  });

  it('continues the same trace when a new engine on the same store resumes the task', async () => {
    const store = createMemoryStore();
    const first = await tracedCheckout({ store, paymentFailures: 1, backoffMs: 200 });
    const scheduled = waitForEvent(first.engine, 'step.retry_scheduled');
    const { taskId } = await first.engine.runTask(CHECKOUT);
    await scheduled;
    await first.engine.stop();
    first.stopTracing();
    const stored = (await store.getTask(taskId))!.traceContext!;
    const [create] = spansNamed('create ecommerce/process_order');
    expect(stored.traceparent).toContain(create!.spanContext().spanId);

    const second = await tracedCheckout({ store, paymentFailures: 0, backoffMs: 200 });
    expect((await second.engine.waitForTask(taskId)).state).toBe('completed');
    await new Promise((resolve) => setImmediate(resolve));
    const runs = spansNamed('task ecommerce/process_order');
    expect(runs.map((span) => span.attributes['tasker.outcome'])).toEqual(['interrupted', 'completed']);
    const traceId = create!.spanContext().traceId;
    expect(exporter.getFinishedSpans().every((span) => span.spanContext().traceId === traceId)).toBe(true);
    expect(runs.every((span) => span.parentSpanContext?.spanId === create!.spanContext().spanId)).toBe(true);
    const resumedRun = runs[1]!;
    expect(spansNamed('step send_confirmation').map((span) => span.parentSpanContext?.spanId)).toEqual([
      resumedRun.spanContext().spanId,
    ]);
    await second.engine.stop();
  });
});

describe('spans of compensations', () => {
  it('traces the undoing of a step as a span of its own, compensate <step>, in the run', async () => {
    const engine = compensatingEngine();
    traceEngine(engine, { tracerProvider });
    await engine.start();
    const { taskId } = await engine.runTask(SHOP_ORDER);
    expect((await engine.waitForTask(taskId)).state).toBe('failed');
    await new Promise((resolve) => setImmediate(resolve));
    const [compensation] = spansNamed('compensate charge');
    const [run] = spansNamed('task shop/order');
    expect(compensation?.status.code).toBe(SpanStatusCode.OK);
    expect(compensation?.attributes['tasker.outcome']).toBe('compensated');
    expect(compensation?.parentSpanContext?.spanId).toBe(run?.spanContext().spanId);
    expect(run?.status.code).toBe(SpanStatusCode.ERROR);
    await engine.stop();
  });
});
