import { context, trace, ProxyTracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStartTrace } from './create-start-trace.js';

const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const manager = new AsyncLocalStorageContextManager();
beforeAll(() => void context.setGlobalContextManager(manager.enable()));
afterAll(() => {
  manager.disable();
  context.disable();
});

const TASK = { taskId: 't-1', namespace: 'ecommerce', name: 'process_order', version: '1.0.0', correlationId: 'c-1' };
const CALLER = {
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  tracestate: 'vendor=value',
};

describe('the startTrace hook', () => {
  it("stores a creation span of the request's trace, keeping its tracestate", () => {
    const stored = createStartTrace({ tracerProvider })({ ...TASK, traceContext: CALLER })!;
    const create = exporter.getFinishedSpans().at(-1)!;
    expect(create.name).toBe('create ecommerce/process_order');
    expect(create.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(create.attributes).toMatchObject({ 'tasker.task.id': 't-1', 'tasker.correlation_id': 'c-1' });
    expect(stored).toEqual({
      traceparent: `00-4bf92f3577b34da6a3ce929d0e0e4736-${create.spanContext().spanId}-01`,
      tracestate: 'vendor=value',
    });
  });

  it('joins the span active where runTask is called when the request brings no carrier', () => {
    const tracer = tracerProvider.getTracer('http-server');
    const request = tracer.startSpan('POST /checkout');
    const stored = context.with(trace.setSpan(context.active(), request), () =>
      createStartTrace({ tracerProvider })(TASK),
    );
    request.end();
    expect(stored?.traceparent).toContain(request.spanContext().traceId);
    const create = exporter
      .getFinishedSpans()
      .filter((span) => span.name.startsWith('create'))
      .at(-1)!;
    expect(create.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
  });

  it('starts a new trace without a carrier or an active span', () => {
    const stored = createStartTrace({ tracerProvider })(TASK);
    expect(stored?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(stored?.traceparent).not.toContain('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it("keeps the caller's carrier as it is when tracing is off, and stores none without one", () => {
    const off = new ProxyTracerProvider();
    expect(createStartTrace({ tracerProvider: off })({ ...TASK, traceContext: CALLER })).toEqual(CALLER);
    expect(createStartTrace({ tracerProvider: off })(TASK)).toBeUndefined();
  });
});
