import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import type { StepTemplate, TaskTemplate } from '../domain/template.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import { PermanentError } from '../errors/permanent-error.js';
import { TemplateValidationError } from '../errors/template-validation-error.js';
import type { CompensationContext } from '../handlers/compensation-context.js';
import type { StepContext } from '../handlers/step-context.js';
import { silentLogger } from '../ports/logger.js';
import { createMemoryStore } from '../store/memory-store.js';
import { EXACT_BACKOFF } from '../test-fixtures/engine-fixture.js';
import { settle } from '../test-fixtures/settle.js';
import { describeDeadlines } from '../testing/deadline-contract.js';
import { waitForEvent } from '../testing/wait-for-event.js';
import { createEngine } from './create-engine.js';
import type { Engine } from './engine.js';
import type { RunTaskRequest } from './engine-types.js';

type Handlers = Record<string, (ctx: StepContext) => unknown>;

const MINUTE = 60_000;

/** A started engine on a simulated clock with the template `test/timed@1.0.0` of `steps` and `template`'s extras. */
async function boot(
  steps: StepTemplate[],
  handlers: Handlers,
  template: Partial<TaskTemplate> = {},
  compensations: Record<string, (ctx: CompensationContext) => unknown> = {},
): Promise<{ engine: Engine; clock: SimulatedClock }> {
  const clock = new SimulatedClock();
  clock.set(Date.parse('2026-12-06T12:00:00Z'));
  const engine = createEngine({
    store: createMemoryStore(),
    clock,
    logger: silentLogger,
    defaults: { backoff: EXACT_BACKOFF },
    // The clock jumps to the deadline at once: a lease must outlast the jump for the task to stay with its engine.
    leaseMs: 3_600_000,
  });
  for (const [name, handler] of Object.entries(handlers)) engine.registerHandler(name, handler as never);
  for (const [name, handler] of Object.entries(compensations)) engine.registerHandler(name, handler as never);
  engine.registerTemplate({ namespace: 'test', name: 'timed', version: '1.0.0', steps, ...template });
  await engine.start();
  return { engine, clock };
}

const run = async (engine: Engine, extra: Partial<RunTaskRequest> = {}) =>
  (await engine.runTask({ namespace: 'test', name: 'timed', context: {}, ...extra })).taskId;

/** A handler that runs until its signal is aborted, and keeps the abort's reason. */
function hangingHandler(reasons: unknown[]) {
  return (ctx: StepContext) =>
    new Promise((_, reject) => {
      ctx.signal.addEventListener('abort', () => {
        reasons.push(ctx.signal.reason);
        reject(new Error('aborted'));
      });
    });
}

describe('task deadlines', () => {
  it('aborts a running handler at the deadline, telling it why, and fails the task with DEADLINE_EXCEEDED', async () => {
    const reasons: unknown[] = [];
    const { engine, clock } = await boot(
      [
        { name: 'slow', handler: 'slow' },
        { name: 'after', handler: 'after', dependsOn: ['slow'] },
      ],
      { slow: hangingHandler(reasons), after: () => 'never' },
      { deadlineMs: MINUTE },
    );
    const taskId = await run(engine);
    await settle();
    expect((await engine.getTask(taskId)).deadlineAt).toBe(clock.now() + MINUTE);
    clock.increment(MINUTE - 1);
    await settle();
    expect(reasons).toEqual([]);
    clock.increment(1);
    const task = await engine.waitForTask(taskId);
    expect(task.state).toBe('failed');
    expect(task.errorMessage).toBe('Task passed its deadline of 60000 ms at 2026-12-06T12:01:00.000Z');
    const [slow, after] = task.steps;
    expect(slow!.state).toBe('failed');
    expect(slow!.attempts).toBe(1);
    expect(slow!.error?.code).toBe('DEADLINE_EXCEEDED');
    expect(slow!.error?.message).toMatch(/^Step 'slow' stopped: its task passed its deadline of 60000 ms/);
    expect(after!.state).toBe('pending');
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatchObject({ code: 'DEADLINE_EXCEEDED', name: 'DeadlineExceededError' });
    await engine.stop();
  });

  it('ends a step waiting for a signal (and one waiting for a retry) at the deadline', async () => {
    const { engine, clock } = await boot(
      [
        { name: 'review', type: 'signal', signal: 'approved' },
        { name: 'flaky', handler: 'flaky', retryLimit: 5 },
      ],
      {
        flaky: () => {
          throw new Error('down');
        },
      },
      { deadlineMs: 10_000 },
    );
    const taskId = await run(engine);
    await waitForEvent(engine, 'step.waiting');
    const failed = waitForEvent(engine, 'task.failed');
    clock.increment(10_000);
    await failed;
    const task = await engine.getTask(taskId);
    expect(task.state).toBe('failed');
    for (const step of task.steps) {
      expect(step.state).toBe('failed');
      expect(step.error?.code).toBe('DEADLINE_EXCEEDED');
      expect(step.waitingFor).toBeUndefined();
      expect(step.nextRetryAt).toBeUndefined();
    }
    // Passivated (a signal waits), claimed back past its deadline: no attempt started again.
    expect(task.steps[1]!.attempts).toBe(1);
    await engine.stop();
  });

  it('ends a throttled step at the deadline without an attempt, and the task fails', async () => {
    const reasons: unknown[] = [];
    const limited = { concurrency: { key: '$.context.merchant', limit: 1 } };
    const { engine, clock } = await boot(
      [{ name: 'pay', handler: 'pay', ...limited }],
      { pay: hangingHandler(reasons) },
      {
        deadlineMs: 10_000,
      },
    );
    const holder = await run(engine, { context: { merchant: 'm-1' } });
    await waitForEvent(engine, 'step.started');
    const blocked = await run(engine, { context: { merchant: 'm-1' }, deadlineMs: 5_000 });
    await waitForEvent(engine, 'step.throttled');
    const failed = waitForEvent(engine, 'task.failed');
    clock.increment(5_000);
    await failed;
    const task = await engine.getTask(blocked);
    expect(task.state).toBe('failed');
    expect(task.steps[0]!.state).toBe('failed');
    expect(task.steps[0]!.error?.code).toBe('DEADLINE_EXCEEDED');
    expect(task.steps[0]!.attempts).toBe(0);
    // The slot holder still runs: only the throttled task's deadline passed.
    expect((await engine.getTask(holder)).state).toBe('in_progress');
    expect(reasons).toEqual([]);
    await engine.cancelTask(holder);
    await engine.stop();
  });

  it('compensates the completed steps, then ends failed like a permanent failure', async () => {
    const undone: CompensationContext['reason'][] = [];
    const { engine, clock } = await boot(
      [
        { name: 'charge', handler: 'charge', compensate: { handler: 'refund' } },
        { name: 'ship', handler: 'ship', dependsOn: ['charge'] },
      ],
      { charge: () => ({ charged: 10 }), ship: hangingHandler([]) },
      { deadlineMs: MINUTE },
      { refund: (ctx) => void undone.push(ctx.reason) },
    );
    const taskId = await run(engine);
    await settle();
    clock.increment(MINUTE);
    const task = await engine.waitForTask(taskId);
    expect(task.state).toBe('failed');
    expect(task.steps.map((step) => [step.name, step.state])).toEqual([
      ['charge', 'compensated'],
      ['ship', 'failed'],
    ]);
    expect(undone).toHaveLength(1);
    expect(undone[0]).toMatchObject({
      kind: 'failed',
      stepName: 'ship',
      message: 'Task passed its deadline of 60000 ms at 2026-12-06T12:01:00.000Z',
      error: { code: 'DEADLINE_EXCEEDED' },
    });
    expect(task.errorMessage).toBe(undone[0]!.message);
    const history = await engine.getHistory(taskId);
    expect(history.filter((entry) => entry.stepName === undefined).map((entry) => entry.to)).toEqual([
      'in_progress',
      'compensating',
      'failed',
    ]);
    await engine.stop();
  });

  it('ends compensation_failed when a compensation fails, as after a permanent failure', async () => {
    const { engine, clock } = await boot(
      [
        { name: 'charge', handler: 'charge', compensate: { handler: 'refund', retryable: false } },
        { name: 'ship', handler: 'ship', dependsOn: ['charge'] },
      ],
      { charge: () => ({ charged: 10 }), ship: hangingHandler([]) },
      { deadlineMs: MINUTE },
      {
        refund: () => {
          throw new PermanentError('refunds are closed');
        },
      },
    );
    const taskId = await run(engine);
    await settle();
    clock.increment(MINUTE);
    const task = await engine.waitForTask(taskId);
    expect(task.state).toBe('compensation_failed');
    expect(task.errorMessage).toBe('Task passed its deadline of 60000 ms at 2026-12-06T12:01:00.000Z');
    expect(task.steps.map((step) => [step.name, step.state, step.error?.code])).toEqual([
      ['charge', 'compensation_failed', 'PERMANENT_ERROR'],
      ['ship', 'failed', 'DEADLINE_EXCEEDED'],
    ]);
    await engine.stop();
  });

  it('counts from the request: its deadlineMs overrides the template, and a delayed task counts from its runAt', async () => {
    const { engine, clock } = await boot(
      [{ name: 'quick', handler: 'quick' }],
      { quick: () => 1 },
      {
        deadlineMs: MINUTE,
      },
    );
    const now = clock.now();
    const overridden = await run(engine, { deadlineMs: 5_000 });
    const delayed = await run(engine, { runAt: now + 3_600_000 });
    const none = createEngine({ store: createMemoryStore(), clock, logger: silentLogger });
    expect((await engine.getTask(overridden)).deadlineAt).toBe(now + 5_000);
    expect((await engine.getTask(delayed)).deadlineAt).toBe(now + 3_600_000 + MINUTE);
    none.registerHandler('quick', () => 1);
    none.registerTemplate({
      namespace: 'test',
      name: 'timed',
      version: '1.0.0',
      steps: [{ name: 'q', handler: 'quick' }],
    });
    const untimed = await none.runTask({ namespace: 'test', name: 'timed', context: {} });
    expect((await none.getTask(untimed.taskId)).deadlineAt).toBeUndefined();
    await engine.stop();
  });

  it('fails a delayed task claimed after its deadline without starting a step', async () => {
    const ran: string[] = [];
    const { engine, clock } = await boot(
      [{ name: 'quick', handler: 'quick' }],
      { quick: () => ran.push('quick') },
      {
        deadlineMs: MINUTE,
      },
    );
    const taskId = await run(engine, { runAt: clock.now() + 3_600_000 });
    // Every worker was away from before its runAt until past its deadline.
    clock.increment(2 * 3_600_000);
    const task = await engine.waitForTask(taskId);
    expect(task.state).toBe('failed');
    expect(task.errorMessage).toBe('Task passed its deadline of 60000 ms at 2026-12-06T13:01:00.000Z');
    expect(task.steps[0]).toMatchObject({ state: 'pending', attempts: 0 });
    expect(ran).toEqual([]);
    await engine.stop();
  });

  it('refuses a deadline that is not a positive integer, in a request or a template, naming the field', async () => {
    const { engine } = await boot([{ name: 'quick', handler: 'quick' }], { quick: () => 1 });
    for (const deadlineMs of [0, -5, 1.5, '1000', Number.NaN]) {
      await expect(run(engine, { deadlineMs: deadlineMs as number })).rejects.toThrow(
        new InvalidRequestError('deadlineMs', 'must be a positive integer (milliseconds)'),
      );
    }
    expect((await engine.listTasks()).tasks).toEqual([]);
    expect(() =>
      engine.registerTemplate({
        namespace: 'test',
        name: 'bad',
        version: '1.0.0',
        deadlineMs: 0,
        steps: [{ name: 'quick', handler: 'quick' }],
      }),
    ).toThrow(
      expect.objectContaining({ name: TemplateValidationError.name, message: expect.stringMatching(/deadlineMs/) }),
    );
    await engine.stop();
  });

  it('gives a task an operator retries after its deadline a fresh deadline of the same length, from the retry', async () => {
    let calls = 0;
    const { engine, clock } = await boot(
      [{ name: 'slow', handler: 'slow' }],
      { slow: (ctx) => (++calls === 1 ? hangingHandler([])(ctx) : 'done') },
      { deadlineMs: MINUTE },
    );
    const taskId = await run(engine);
    await settle();
    clock.increment(MINUTE);
    expect((await engine.waitForTask(taskId)).state).toBe('failed');
    clock.increment(5 * MINUTE);
    await engine.retryTask(taskId, { by: 'ops' });
    const task = await engine.waitForTask(taskId);
    expect(task.state).toBe('completed');
    expect(task.deadlineAt).toBe(clock.now() + MINUTE);
    expect(task.errorMessage).toBeUndefined();
    await engine.stop();
  });
});

describeDeadlines('memory', async () => createMemoryStore());
