import { expect, it } from 'vitest';
import type { StepRecord, TransitionRecord } from '../domain/records.js';
import type { StepState, TaskState } from '../domain/states.js';
import { stepFiguresOf, taskFiguresOf } from '../store/activity-figures.js';
import type { ActivityFilter } from '../store/task-activity.js';
import type { StepFigures, TaskFigures } from '../store/task-analytics.js';
import type { TaskStore } from '../store/task-store.js';
import { sampleSteps, sampleTask } from './sample-records.js';

// A whole minute, so that windows of whole minutes select the same tasks from per-minute rollups (Redis).
const START = 1_750_000_020_000;
const MINUTE = 60_000;
const TASK_STATES: TaskState[] = ['completed', 'completed', 'completed', 'failed', 'in_progress', 'cancelled'];
const ERRORS = [
  { code: 'RETRYABLE_ERROR', message: 'Gateway timeout', name: 'RetryableError' },
  { code: 'PERMANENT_ERROR', message: 'Card declined', name: 'PermanentError' },
  { code: 'RETRYABLE_ERROR', message: 'Rate limited', name: 'RetryableError' },
  { code: 'HANDLER_ERROR', message: 'Out of stock', name: 'Error' },
];
const TEMPLATES = [
  { namespace: 'ecommerce', name: 'process_order', version: '1.0.0' },
  { namespace: 'ecommerce', name: 'process_order', version: '2.0.0' },
  { namespace: 'payments', name: 'process_refund', version: '1.0.0' },
];
const STEP_NAMES = ['validate_cart', 'reserve_stock', 'process_payment', 'send_receipt'];

/** Step rows of a chain of four steps for `taskId`; `process_payment` talks to the payment gateway. */
function fourSteps(taskId: string): StepRecord[] {
  const { dependentSystem: _none, ...first } = sampleSteps(taskId)[0]!;
  return STEP_NAMES.map((name, position) => ({
    ...first,
    name,
    position,
    handler: name,
    dependsOn: position === 0 ? [] : [STEP_NAMES[position - 1]!],
    ...(name === 'process_payment' ? { dependentSystem: 'payment_gateway' } : {}),
  }));
}

/**
 * Stores 48 tasks over 4 hours (three templates, every outcome, steps retried and failed with four kinds of
 * error, durations with ties) as the engine would have left them. Deterministic, so a failure reproduces.
 */
async function seedActivity(store: TaskStore): Promise<void> {
  for (let index = 0; index < 48; index++) {
    const state = TASK_STATES[index % TASK_STATES.length]!;
    const createdAt = START + index * 5 * MINUTE;
    const task = sampleTask({ ...TEMPLATES[index % TEMPLATES.length]!, createdAt, updatedAt: createdAt });
    await store.createTask(task, fourSteps(task.id));
    const ran = state === 'in_progress' ? 2 : STEP_NAMES.length;
    const transitions: TransitionRecord[] = [];
    const steps = STEP_NAMES.slice(0, ran).map((name, position) => {
      const attempts = 1 + ((index + position) % 3);
      const last = position === ran - 1;
      const stepState: StepState =
        last && state === 'failed' ? 'failed' : last && state !== 'completed' ? 'in_progress' : 'completed';
      for (let attempt = 1; attempt < attempts + (stepState === 'failed' ? 1 : 0); attempt++) {
        transitions.push({
          taskId: task.id,
          stepName: name,
          from: 'in_progress',
          to: 'waiting_for_retry',
          attempt,
          error: ERRORS[(index * attempt + position) % ERRORS.length]!,
          by: 'engine',
          at: createdAt + attempt,
        });
      }
      return {
        name,
        state: stepState,
        attempts,
        ...(stepState === 'in_progress' ? {} : { durationMs: 10 * (1 + ((index * 7 + position * 3) % 13)) }),
      };
    });
    await store.commit([
      {
        taskId: task.id,
        task: {
          state,
          startedAt: createdAt + 1,
          ...(state === 'in_progress' ? {} : { completedAt: createdAt + 1 + 100 * (1 + ((index * 5) % 11)) }),
        },
        steps,
        transitions,
      },
    ]);
  }
}

/** Figures in one order whatever order a store answered in. */
function sortedTaskFigures(figures: TaskFigures): TaskFigures {
  const byKey = (entry: { namespace: string; state: string }) => `${entry.namespace}/${entry.state}`;
  return { ...figures, byState: [...figures.byState].sort((a, b) => byKey(a).localeCompare(byKey(b))) };
}

/** See {@link sortedTaskFigures}. */
function sortedStepFigures(figures: StepFigures): StepFigures {
  const errorKey = (error: { code: string; message: string }) => `${error.code}/${error.message}`;
  return {
    tasks: figures.tasks,
    steps: figures.steps
      .map((step) => ({
        ...step,
        commonErrors: [...step.commonErrors].sort((a, b) => errorKey(a).localeCompare(errorKey(b))),
      }))
      .sort((a, b) => `${a.namespace}/${a.name}/${a.step}`.localeCompare(`${b.namespace}/${b.name}/${b.step}`)),
    templates: [...figures.templates].sort((a, b) =>
      `${a.namespace}/${a.name}/${a.version}`.localeCompare(`${b.namespace}/${b.name}/${b.version}`),
    ),
  };
}

/**
 * The analytics cases of the store contract: a store's figures equal those computed in JavaScript from the tasks
 * it lists (`listActivity`), over several windows and template filters. Run by `describeStoreContract`.
 */
export function analyticsContractCases(store: () => TaskStore): void {
  const filters: Array<[string, ActivityFilter]> = [
    ['every task', { createdFrom: START, createdTo: START + 4 * 60 * MINUTE }],
    ['the last hour', { createdFrom: START + 3 * 60 * MINUTE, createdTo: START + 4 * 60 * MINUTE }],
    ['a namespace', { createdFrom: START, createdTo: START + 4 * 60 * MINUTE, namespace: 'ecommerce' }],
    ['a template', { createdFrom: START, createdTo: START + 4 * 60 * MINUTE, name: 'process_refund' }],
    ['a version', { createdFrom: START, createdTo: START + 4 * 60 * MINUTE, version: '2.0.0' }],
    ['an empty window', { createdFrom: START - 60 * MINUTE, createdTo: START }],
  ];

  it('computes the figures of tasks by state and of completed durations as JavaScript does over the tasks', async () => {
    await seedActivity(store());
    for (const [, filter] of filters) {
      const expected = taskFiguresOf(await store().listActivity(filter));
      expect(sortedTaskFigures(await store().taskFigures(filter))).toEqual(sortedTaskFigures(expected));
    }
    const all = await store().taskFigures(filters[0]![1]);
    expect(all.byState.reduce((sum, entry) => sum + entry.count, 0)).toBe(48);
    expect(all.completedDurations.count).toBe(24);
  });

  it('computes the figures of steps (durations, retries, failures, common errors) and templates as JavaScript does', async () => {
    await seedActivity(store());
    for (const [, filter] of filters) {
      const expected = stepFiguresOf(await store().listActivity(filter));
      expect(sortedStepFigures(await store().stepFigures(filter))).toEqual(sortedStepFigures(expected));
    }
    const all = await store().stepFigures(filters[0]![1]);
    expect(all.tasks).toBe(48);
    expect(all.steps).toHaveLength(8);
    expect(all.steps.find((step) => step.step === 'process_payment')?.dependentSystem).toBe('payment_gateway');
    expect(all.steps.some((step) => step.commonErrors.length > 0 && step.failures > 0)).toBe(true);
  });

  it('follows a task that changes after its figures were counted: failed, then retried to completion', async () => {
    const window = filters[0]![1];
    const task = sampleTask({ createdAt: START, updatedAt: START });
    await store().createTask(task, fourSteps(task.id));
    const failure = {
      taskId: task.id,
      stepName: 'process_payment',
      from: 'in_progress',
      to: 'failed',
      attempt: 1,
      error: ERRORS[1]!,
      by: 'engine',
      at: START + 2,
    } as const;
    await store().commit([
      {
        taskId: task.id,
        task: { state: 'failed', startedAt: START + 1, completedAt: START + 300 },
        steps: [{ name: 'process_payment', state: 'failed', attempts: 1, durationMs: 70 }],
        transitions: [failure],
      },
    ]);
    const failed = await store().taskFigures(window);
    expect(failed.byState).toEqual([{ namespace: 'ecommerce', state: 'failed', count: 1 }]);
    await store().commit([
      {
        taskId: task.id,
        task: { state: 'completed', completedAt: START + 900 },
        steps: [{ name: 'process_payment', state: 'completed', attempts: 2, durationMs: 30 }],
      },
    ]);
    const completed = await store().taskFigures(window);
    expect(completed.byState).toEqual([{ namespace: 'ecommerce', state: 'completed', count: 1 }]);
    expect(completed.completedDurations).toEqual({ count: 1, avg: 899, p50: 899, p95: 899, p99: 899 });
    const expected = stepFiguresOf(await store().listActivity(window));
    expect(sortedStepFigures(await store().stepFigures(window))).toEqual(sortedStepFigures(expected));
    const payment = expected.steps.find((step) => step.step === 'process_payment')!;
    expect([payment.attempts, payment.retries, payment.failures, payment.durations.p50]).toEqual([2, 1, 0, 30]);
  });

  it('moves the figures of a failed task an operator retries: out of failed, into what it becomes', async () => {
    const window = filters[0]![1];
    const task = sampleTask({ createdAt: START, updatedAt: START });
    await store().createTask(task, fourSteps(task.id));
    const failure = {
      taskId: task.id,
      stepName: 'process_payment',
      from: 'in_progress',
      attempt: 2,
      by: 'engine',
    } as const;
    await store().commit([
      {
        taskId: task.id,
        task: { state: 'failed', startedAt: START + 1, completedAt: START + 300 },
        steps: [{ name: 'process_payment', state: 'failed', attempts: 2, durationMs: 70 }],
        transitions: [
          { ...failure, to: 'waiting_for_retry', attempt: 1, error: ERRORS[0]!, at: START + 2 },
          { ...failure, to: 'failed', error: ERRORS[1]!, at: START + 3 },
        ],
      },
    ]);
    const matchesJavaScript = async () => {
      const listed = await store().listActivity(window);
      expect(sortedTaskFigures(await store().taskFigures(window))).toEqual(sortedTaskFigures(taskFiguresOf(listed)));
      const steps = sortedStepFigures(await store().stepFigures(window));
      expect(steps).toEqual(sortedStepFigures(stepFiguresOf(listed)));
      return steps.steps.find((step) => step.step === 'process_payment')!;
    };
    expect((await matchesJavaScript()).failures).toBe(1);
    // The operator's retry reopens the task and the failed step, as `Engine.retryTask` writes it.
    await store().commit([
      {
        taskId: task.id,
        task: { state: 'in_progress' },
        steps: [{ name: 'process_payment', state: 'pending' }],
        transitions: [{ taskId: task.id, from: 'failed', to: 'in_progress', by: 'operator', at: START + 400 }],
      },
    ]);
    expect((await store().taskFigures(window)).byState).toEqual([
      { namespace: 'ecommerce', state: 'in_progress', count: 1 },
    ]);
    const reopened = await matchesJavaScript();
    expect([reopened.attempts, reopened.failures, reopened.durations.count]).toEqual([2, 0, 1]);
    await store().commit([
      {
        taskId: task.id,
        task: { state: 'completed', completedAt: START + 1_000 },
        steps: [{ name: 'process_payment', state: 'completed', attempts: 3, durationMs: 40 }],
      },
    ]);
    const completed = await store().taskFigures(window);
    expect(completed.byState).toEqual([{ namespace: 'ecommerce', state: 'completed', count: 1 }]);
    expect(completed.completedDurations).toEqual({ count: 1, avg: 999, p50: 999, p95: 999, p99: 999 });
    const done = await matchesJavaScript();
    expect([done.attempts, done.retries, done.failures, done.durations.p50]).toEqual([3, 2, 0, 40]);
    expect(done.commonErrors).toHaveLength(2);
  });

  it('leaves the figures as they were when a write is fenced', async () => {
    const window = filters[0]![1];
    const task = sampleTask({ createdAt: START, updatedAt: START });
    await store().createTask(task, fourSteps(task.id));
    const claim = (workerId: string, now: number) => store().claimTask(task.id, { workerId, now, until: now + MINUTE });
    const stale = await claim('w1', START);
    const current = await claim('w2', START + 2 * MINUTE);
    expect(current!.token).toBeGreaterThan(stale!.token);
    const before = [await store().taskFigures(window), sortedStepFigures(await store().stepFigures(window))];
    const result = await store().commit([
      {
        taskId: task.id,
        task: { state: 'completed', startedAt: START + 1, completedAt: START + 50 },
        steps: [{ name: 'validate_cart', state: 'failed', attempts: 1, durationMs: 20 }],
        transitions: [
          {
            taskId: task.id,
            stepName: 'validate_cart',
            from: 'in_progress',
            to: 'failed',
            attempt: 1,
            error: ERRORS[3]!,
            by: 'engine',
            at: START + 9,
          },
        ],
        leaseToken: stale!.token,
      },
    ]);
    expect(result.fenced).toEqual([task.id]);
    expect([await store().taskFigures(window), sortedStepFigures(await store().stepFigures(window))]).toEqual(before);
    expect((await store().taskFigures(window)).byState).toEqual([
      { namespace: 'ecommerce', state: 'pending', count: 1 },
    ]);
  });
}
