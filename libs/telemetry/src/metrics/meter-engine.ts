import { metrics, type BatchObservableResult, type MeterProvider, type ObservableResult } from '@opentelemetry/api';
import type { Engine, EngineEvent } from '@tasker/core';
import { ATTR, durationOf } from '../attributes.js';
import { INSTRUMENTATION_SCOPE } from '../tracing/tracer.js';

/** Options of {@link meterEngine}. */
export interface MeterEngineOptions {
  /** Where measurements go; the globally registered provider (e.g. the NodeSDK's) when absent. */
  meterProvider?: MeterProvider;
}

/** Bucket bounds in seconds, from a 5 ms step to a 10 min task. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

const TASK_OUTCOMES = new Set([
  'task.completed',
  'task.failed',
  'task.cancelled',
  'task.resolved_manually',
  'task.compensation_failed',
]);
const STEP_OUTCOMES = new Set([
  'step.completed',
  'step.failed',
  'step.cancelled',
  'step.resolved_manually',
  'step.skipped',
  'step.compensated',
  'step.compensation_failed',
]);
/** Step events that end an attempt, whose duration the step histogram records. */
const ATTEMPT_ENDS = new Set(['step.completed', 'step.failed', 'step.retry_scheduled']);

/**
 * Measures an engine from its events, in OpenTelemetry metrics (Prometheus names in brackets):
 * - `tasker.tasks` (`tasker_tasks_total`): tasks that reached an outcome, by namespace, name and outcome;
 * - `tasker.steps` (`tasker_steps_total`): steps that reached an outcome, by namespace, name, step and outcome;
 * - `tasker.step.retries` (`tasker_step_retries_total`): retries scheduled, by namespace, name and step;
 * - `tasker.step.duration` and `tasker.task.duration` (`tasker_step_duration`, in seconds): histograms of attempts
 *   and of tasks' run times, by outcome;
 * - `tasker.tasks.running`, `tasker.leases.held` and `tasker.tasks.waiting`: gauges of the tasks this engine runs,
 *   of the leases it holds on them, and of the store's tasks waiting for any worker to claim them (one count query
 *   per collection);
 * - `tasker.store.failed_commits` (`tasker_store_failed_commits_total`), `tasker.store.rejected_writes` and
 *   `tasker.tasks.lost`: counters of the store calls that failed, of the writes the store refused for their data, and
 *   of the tasks whose rows vanished from the store, read from `engine.writeHealth()`; and the gauge
 *   `tasker.store.oldest_pending_write_age` (seconds the oldest write not yet committed has waited).
 *
 * Returns the function that stops measuring.
 *
 * @example
 * const { meterProvider, metrics } = createPrometheusMetrics();
 * meterEngine(engine, { meterProvider });
 * console.log(await metrics());
 */
export function meterEngine(engine: Engine, options: MeterEngineOptions = {}): () => void {
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_SCOPE);
  const tasks = meter.createCounter('tasker.tasks', { description: 'Tasks that reached an outcome' });
  const steps = meter.createCounter('tasker.steps', { description: 'Steps that reached an outcome' });
  const retries = meter.createCounter('tasker.step.retries', { description: 'Step retries scheduled' });
  const histogram = (name: string, description: string) =>
    meter.createHistogram(name, { description, unit: 's', advice: { explicitBucketBoundaries: DURATION_BUCKETS } });
  const stepDuration = histogram('tasker.step.duration', 'Duration of step attempts');
  const taskDuration = histogram('tasker.task.duration', 'Run time of tasks, from start to outcome');
  const running = meter.createObservableGauge('tasker.tasks.running', { description: 'Tasks this engine runs now' });
  const waiting = meter.createObservableGauge('tasker.tasks.waiting', {
    description: 'Unfinished tasks of the store waiting for a worker to claim them',
  });
  const leases = meter.createObservableGauge('tasker.leases.held', { description: 'Task leases this engine holds' });
  const observeRunning = (result: ObservableResult) => result.observe(engine.activeTaskCount);
  const observeWaiting = async (result: ObservableResult) => result.observe(await engine.countWaitingTasks());
  const observeLeases = (result: ObservableResult) => result.observe(engine.heldLeaseCount);
  running.addCallback(observeRunning);
  waiting.addCallback(observeWaiting);
  leases.addCallback(observeLeases);
  const writes = meter.createObservableCounter('tasker.store.failed_commits', {
    description: 'Store commits and task creations that failed, retried or not',
  });
  const rejected = meter.createObservableCounter('tasker.store.rejected_writes', {
    description: 'Writes the store refused for their data; each failed its task alone',
  });
  const lost = meter.createObservableCounter('tasker.tasks.lost', {
    description: 'Tasks dropped because their rows vanished from the store',
  });
  const pendingAge = meter.createObservableGauge('tasker.store.oldest_pending_write_age', {
    description: 'How long the oldest write not yet committed has waited',
    unit: 's',
  });
  // One read of the health for all four, at each collection.
  const observeWrites = (observer: BatchObservableResult) => {
    const health = engine.writeHealth();
    observer.observe(writes, health.failedCommits);
    observer.observe(rejected, health.rejectedWrites);
    observer.observe(lost, health.lostTasks);
    observer.observe(pendingAge, health.oldestPendingWriteAgeMs / 1000);
  };
  const writeInstruments = [writes, rejected, lost, pendingAge];
  meter.addBatchObservableCallback(observeWrites, writeInstruments);

  const record = (event: EngineEvent) => {
    const { type } = event;
    if (!('stepName' in event)) {
      if (!TASK_OUTCOMES.has(type)) return;
      const attributes = { [ATTR.namespace]: event.namespace, [ATTR.name]: event.name, [ATTR.outcome]: event.to };
      tasks.add(1, attributes);
      const durationMs = durationOf(event);
      if (durationMs !== undefined) taskDuration.record(durationMs / 1000, attributes);
      return;
    }
    const { stepName } = event;
    // `step.started` and `step.reset` are counted by none of the instruments: leave before building anything.
    if (type === 'step.started' || type === 'step.reset') return;
    const step = { [ATTR.namespace]: event.namespace, [ATTR.name]: event.name, [ATTR.stepName]: stepName };
    if (type === 'step.retry_scheduled') retries.add(1, step);
    const outcome = { ...step, [ATTR.outcome]: event.to };
    if (STEP_OUTCOMES.has(type)) steps.add(1, outcome);
    const durationMs = durationOf(event);
    if (ATTEMPT_ENDS.has(type) && durationMs !== undefined) stepDuration.record(durationMs / 1000, outcome);
  };
  const unsubscribe = engine.on('*', record);
  return () => {
    unsubscribe();
    running.removeCallback(observeRunning);
    waiting.removeCallback(observeWaiting);
    leases.removeCallback(observeLeases);
    meter.removeBatchObservableCallback(observeWrites, writeInstruments);
  };
}
