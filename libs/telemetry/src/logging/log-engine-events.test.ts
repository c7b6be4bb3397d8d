import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CHECKOUT, checkoutEngine } from '../test-fixtures/checkout.js';
import { SHOP_ORDER, compensatingEngine } from '../test-fixtures/compensating-engine.js';
import { createLogger } from './create-logger.js';
import { logEngineEvents } from './log-engine-events.js';

/** A pino logger writing into an array of parsed lines. */
function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug' }, destination), lines };
}

describe('log lines of transitions', () => {
  it('writes one JSON line per transition with task id, step, attempt and the caller correlation id', async () => {
    const { logger, lines } = capturedLogger();
    const engine = checkoutEngine({ paymentFailures: 1, logger });
    logEngineEvents(engine, logger);
    await engine.start();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const { taskId } = await engine.runTask({
      ...CHECKOUT,
      correlationId: 'req_abc123',
      traceContext: { traceparent },
    });
    await engine.waitForTask(taskId);
    await engine.stop();
    await new Promise((resolve) => setImmediate(resolve));

    const transitions = lines.filter((line) => line.taskId === taskId && typeof line.event === 'string');
    expect(transitions).toHaveLength(1 + 2 * 5 + 2 + 1);
    expect(
      transitions.every(
        (line) => line.correlationId === 'req_abc123' && line.name === 'tasker' && line.taskName === 'process_order',
      ),
    ).toBe(true);
    expect(transitions.every((line) => line.traceId === '4bf92f3577b34da6a3ce929d0e0e4736')).toBe(true);
    const retry = transitions.find((line) => line.event === 'step.retry_scheduled');
    expect(retry).toMatchObject({
      level: 40,
      msg: 'step.retry_scheduled',
      stepName: 'process_payment',
      attempt: 1,
      from: 'in_progress',
      to: 'waiting_for_retry',
      error: { message: 'Payment gateway timeout', code: 'RETRYABLE_ERROR' },
    });
    expect(transitions.filter((line) => line.stepName === 'process_payment').map((line) => line.attempt)).toEqual([
      1, 1, 2, 2,
    ]);
    expect(transitions.some((line) => 'results' in line)).toBe(false);
  });

  it('fits the engine logger port, so the engine reports a failing listener through pino', async () => {
    const { logger, lines } = capturedLogger();
    const engine = checkoutEngine({ logger });
    engine.on('task.completed', () => {
      throw new Error('listener broke');
    });
    await engine.start();
    await engine.waitForTask((await engine.runTask(CHECKOUT)).taskId);
    await engine.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.find((line) => line.msg === 'event listener failed')).toMatchObject({
      level: 50,
      event: 'task.completed',
      err: { message: 'listener broke', type: 'Error' },
    });
  });

  it('logs a compensating task as a warning and a failed compensation as an error', async () => {
    const { logger, lines } = capturedLogger();
    const engine = compensatingEngine({ refundFails: true, logger });
    logEngineEvents(engine, logger);
    await engine.start();
    const { taskId } = await engine.runTask(SHOP_ORDER);
    await engine.waitForTask(taskId);
    await engine.stop();
    await new Promise((resolve) => setImmediate(resolve));
    const levels = Object.fromEntries(
      lines.filter((line) => line.taskId === taskId).map((line) => [line.event, line.level]),
    );
    expect(levels).toMatchObject({
      'task.compensating': 40,
      'step.compensating': 30,
      'step.compensation_failed': 50,
      'task.compensation_failed': 50,
    });
  });
});
