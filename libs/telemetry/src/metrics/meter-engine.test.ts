import { createEngine, createMemoryStore } from '@tasker/core';
import { deferred, storeWith } from '@tasker/core/testing';
import { describe, expect, it } from 'vitest';
import { CHECKOUT, checkoutEngine } from '../test-fixtures/checkout.js';
import { SHOP_ORDER, compensatingEngine } from '../test-fixtures/compensating-engine.js';
import { meterEngine } from './meter-engine.js';
import { createPrometheusMetrics } from './prometheus-metrics.js';

describe('metrics of an engine', () => {
  it('renders Prometheus series with the counts and durations of known runs', async () => {
    const { meterProvider, metrics } = createPrometheusMetrics();
    const engine = checkoutEngine({ paymentFailures: 1, defaults: { retryLimit: 1 } });
    meterEngine(engine, { meterProvider });
    await engine.start();
    // Payment fails once for the first task (a retry), and never after.
    for (let run = 0; run < 3; run++) await engine.waitForTask((await engine.runTask(CHECKOUT)).taskId);
    await new Promise((resolve) => setImmediate(resolve));
    const text = await metrics();
    await engine.stop();

    const labels = 'tasker_namespace="ecommerce",tasker_task_name="process_order"';
    expect(text).toContain(`tasker_tasks_total{${labels},tasker_outcome="completed"} 3`);
    expect(text).toContain(
      `tasker_steps_total{${labels},tasker_step_name="process_payment",tasker_outcome="completed"} 3`,
    );
    expect(text).toContain(`tasker_step_retries_total{${labels},tasker_step_name="process_payment"} 1`);
    expect(text).toMatch(
      new RegExp(
        `tasker_step_duration_count\\{${labels},tasker_step_name="process_payment",tasker_outcome="waiting_for_retry"\\} 1`,
      ),
    );
    expect(text).toContain(
      `tasker_step_duration_count{${labels},tasker_step_name="process_payment",tasker_outcome="completed"} 3`,
    );
    expect(text).toContain(`tasker_task_duration_count{${labels},tasker_outcome="completed"} 3`);
    expect(text).toMatch(/# TYPE tasker_task_duration histogram/);
    expect(text).toContain('tasker_tasks_running 0');
    expect(text).toContain('tasker_tasks_waiting 0');
    expect(text).toContain('tasker_leases_held 0');
  });

  it('counts failed tasks and steps apart from completed ones, and stops when detached', async () => {
    const { meterProvider, metrics } = createPrometheusMetrics();
    const engine = checkoutEngine({ paymentFailures: 99, defaults: { retryLimit: 0 } });
    const detach = meterEngine(engine, { meterProvider });
    await engine.start();
    await engine.waitForTask((await engine.runTask(CHECKOUT)).taskId);
    await new Promise((resolve) => setImmediate(resolve));
    detach();
    await engine.waitForTask((await engine.runTask(CHECKOUT)).taskId);
    const text = await metrics();
    await engine.stop();
    expect(text).toContain(
      'tasker_tasks_total{tasker_namespace="ecommerce",tasker_task_name="process_order",tasker_outcome="failed"} 1',
    );
    expect(text).toContain(
      'tasker_steps_total{tasker_namespace="ecommerce",tasker_task_name="process_order",tasker_step_name="process_payment",tasker_outcome="failed"} 1',
    );
    expect(text).not.toContain('tasker_leases_held');
    expect(text).not.toContain('tasker_tasks_running');
  });

  it('gauges the tasks an engine runs, its leases, and the tasks waiting for a free slot', async () => {
    const { meterProvider, metrics } = createPrometheusMetrics();
    const release = deferred<void>();
    const engine = createEngine({ concurrency: 1 })
      .registerHandler('block', () => release.promise.then(() => null))
      .registerTemplate({
        namespace: 'shop',
        name: 'order',
        version: '1.0.0',
        steps: [{ name: 'a', handler: 'block' }],
      });
    meterEngine(engine, { meterProvider });
    await engine.start();
    const ids = [];
    for (let run = 0; run < 3; run++)
      ids.push((await engine.runTask({ namespace: 'shop', name: 'order', context: {} })).taskId);
    const busy = await metrics();
    release.resolve();
    for (const id of ids) await engine.waitForTask(id);
    const idle = await metrics();
    await engine.stop();
    expect(busy).toContain('tasker_tasks_running 1');
    expect(busy).toContain('tasker_leases_held 1');
    expect(busy).toContain('tasker_tasks_waiting 2');
    expect(idle).toContain('tasker_tasks_running 0');
    expect(idle).toContain('tasker_leases_held 0');
    expect(idle).toContain('tasker_tasks_waiting 0');
  });

  it("counts failed commits, refused writes and lost tasks from the engine's write health", async () => {
    const { meterProvider, metrics } = createPrometheusMetrics();
    const memory = createMemoryStore();
    const failures = { commit: 1, create: 1 };
    // The first commit meets a reset connection (retried), the first creation a value the store cannot encode.
    const store = storeWith(memory, {
      commit: (writes) =>
        failures.commit-- > 0 ? Promise.reject(new Error('read ECONNRESET')) : memory.commit(writes),
      createTasks: (requests) =>
        failures.create-- > 0 ? Promise.reject(new TypeError('BigInt')) : memory.createTasks(requests),
    });
    const engine = createEngine({ store })
      .registerHandler('a', () => null)
      .registerTemplate({ namespace: 'shop', name: 'order', version: '1.0.0', steps: [{ name: 'a', handler: 'a' }] });
    meterEngine(engine, { meterProvider });
    await engine.start();
    const request = { namespace: 'shop', name: 'order', context: {} };
    await expect(engine.runTask(request)).rejects.toMatchObject({ name: 'WriteRejectedError' });
    await engine.waitForTask((await engine.runTask(request)).taskId);
    const text = await metrics();
    await engine.stop();
    expect(text).toContain('tasker_store_failed_commits_total 2');
    expect(text).toContain('tasker_store_rejected_writes_total 1');
    expect(text).toContain('tasker_tasks_lost_total 0');
    expect(text).toContain('tasker_store_oldest_pending_write_age 0');
  });

  it('counts compensated steps and tasks whose compensation failed among the outcomes', async () => {
    const { meterProvider, metrics } = createPrometheusMetrics();
    const engine = compensatingEngine({ refundFails: true });
    meterEngine(engine, { meterProvider });
    await engine.start();
    await engine.waitForTask((await engine.runTask(SHOP_ORDER)).taskId);
    await new Promise((resolve) => setImmediate(resolve));
    const text = await metrics();
    await engine.stop();
    const labels = 'tasker_namespace="shop",tasker_task_name="order"';
    expect(text).toContain(`tasker_tasks_total{${labels},tasker_outcome="compensation_failed"} 1`);
    expect(text).toContain(
      `tasker_steps_total{${labels},tasker_step_name="charge",tasker_outcome="compensation_failed"} 1`,
    );
  });
});
