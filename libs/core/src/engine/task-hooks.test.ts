import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import type { StepTemplate } from '../domain/template.js';
import { PermanentError } from '../errors/permanent-error.js';
import type { AdjustableStep, AnnotatableTask, StepSummary, TaskHookInfo } from '../handlers/task-handler.js';
import { TaskHandler } from '../handlers/task-handler.js';
import { createEngine } from './create-engine.js';

/** Hooks in the manner of the seed's OrderProcessingHandler (the checkout app has the full one). */
class OrderProcessing extends TaskHandler {
  override establishStepDependenciesAndDefaults(task: TaskHookInfo, steps: AdjustableStep[]) {
    if (task.context.priority !== 'express') return;
    for (const step of steps) {
      if (step.name === 'process_payment') Object.assign(step, { timeoutMs: 15_000, retryLimit: 1 });
      if (step.name === 'send_confirmation') step.retryLimit = 2;
    }
  }

  override updateAnnotations(task: AnnotatableTask, steps: StepSummary[]) {
    const [payment] = steps;
    if (payment?.state === 'completed') task.annotate('payment_processed', { results: payment.results ?? null });
    if (task.state === 'completed') {
      task.annotate('checkout_completed', {
        steps_completed: steps.length,
        customer_email: (task.context.customer_info as { email: string }).email,
      });
    }
  }
}

const steps: StepTemplate[] = [
  { name: 'process_payment', handler: 'pay', timeoutMs: 30_000, retryLimit: 3 },
  { name: 'send_confirmation', handler: 'mail', dependsOn: ['process_payment'], retryLimit: 5 },
];

async function checkoutEngine(mail: () => unknown = () => 'sent') {
  const engine = createEngine({ clock: new SimulatedClock() });
  engine
    .registerHandler('Ecommerce::OrderProcessingHandler', OrderProcessing)
    .registerHandler('pay', () => ({ payment_id: 'pi_1234', amount_charged: 156.32 }))
    .registerHandler('mail', mail as never)
    .registerTemplate({
      namespace: 'ecommerce',
      name: 'process_order',
      version: '1.0.0',
      taskHandler: 'Ecommerce::OrderProcessingHandler',
      steps,
    });
  await engine.start();
  return engine;
}

const order = (priority: string) => ({ priority, customer_info: { email: 'sarah@growthcorp.example' } });

describe('task handler hooks', () => {
  it('gives express orders a shorter payment timeout and fewer retries, and leaves others alone', async () => {
    const engine = await checkoutEngine();
    const express = await engine.runTask({ namespace: 'ecommerce', name: 'process_order', context: order('express') });
    const normal = await engine.runTask({ namespace: 'ecommerce', name: 'process_order', context: order('standard') });
    const settingsOf = async (taskId: string) =>
      (await engine.waitForTask(taskId)).steps.map((step) => [
        step.name,
        step.settings.timeoutMs,
        step.settings.retryLimit,
      ]);
    expect(await settingsOf(express.taskId)).toEqual([
      ['process_payment', 15_000, 1],
      ['send_confirmation', undefined, 2],
    ]);
    expect(await settingsOf(normal.taskId)).toEqual([
      ['process_payment', 30_000, 3],
      ['send_confirmation', undefined, 5],
    ]);
  });

  it('records the annotations of updateAnnotations with the outcome', async () => {
    const engine = await checkoutEngine();
    const { taskId } = await engine.runTask({
      namespace: 'ecommerce',
      name: 'process_order',
      context: order('standard'),
    });
    const task = await engine.waitForTask(taskId);
    expect(task.annotations.map((annotation) => [annotation.type, annotation.content])).toEqual([
      ['payment_processed', { results: { payment_id: 'pi_1234', amount_charged: 156.32 } }],
      ['checkout_completed', { steps_completed: 2, customer_email: 'sarah@growthcorp.example' }],
    ]);
    expect((await engine.listTasks({ annotationType: 'checkout_completed' })).tasks.map((found) => found.id)).toEqual([
      taskId,
    ]);
  });

  it('annotates a failed task with what did complete', async () => {
    const engine = await checkoutEngine(() => {
      throw new PermanentError('mailbox full');
    });
    const { taskId } = await engine.runTask({
      namespace: 'ecommerce',
      name: 'process_order',
      context: order('standard'),
    });
    const task = await engine.waitForTask(taskId);
    expect(task.state).toBe('failed');
    expect(task.annotations.map((annotation) => annotation.type)).toEqual(['payment_processed']);
  });

  it('refuses a hook that sets an impossible retry limit, naming the step and field, and stores nothing', async () => {
    class Broken extends TaskHandler {
      override establishStepDependenciesAndDefaults(_task: TaskHookInfo, adjustable: AdjustableStep[]) {
        adjustable[0]!.retryLimit = -1;
      }
    }
    const engine = createEngine();
    engine.registerHandler('Broken', Broken).registerHandler('pay', () => null);
    engine.registerTemplate({ namespace: 'x', name: 'y', version: '1.0.0', taskHandler: 'Broken', steps: [steps[0]!] });
    await expect(engine.runTask({ namespace: 'x', name: 'y', context: {} })).rejects.toThrow(
      'Broken: steps[0] (process_payment).retryLimit: must be a whole number, 0 or more',
    );
    expect((await engine.listTasks()).tasks).toEqual([]);
  });

  it('refuses an annotation that is not JSON, naming the path; the hook may go on, and the task completes', async () => {
    const refusals: unknown[] = [];
    class Careless extends TaskHandler {
      override updateAnnotations(task: AnnotatableTask) {
        for (const content of [{ total: 10n }, { when: new Date(0) }, { note: 'ok' }]) {
          try {
            task.annotate('summary', content as never);
          } catch (error) {
            refusals.push(error);
          }
        }
      }
    }
    const engine = createEngine();
    engine.registerHandler('Careless', Careless).registerHandler('pay', () => null);
    engine.registerTemplate({
      namespace: 'x',
      name: 'y',
      version: '1.0.0',
      taskHandler: 'Careless',
      steps: [steps[0]!],
    });
    await engine.start();
    const task = await engine.waitForTask((await engine.runTask({ namespace: 'x', name: 'y', context: {} })).taskId);
    expect(task.state).toBe('completed');
    expect(refusals).toMatchObject([
      { code: 'INVALID_REQUEST', field: 'annotations[0].content.total' },
      { code: 'INVALID_REQUEST', field: 'annotations[0].content.when' },
    ]);
    expect(task.annotations.map((annotation) => annotation.content)).toEqual([{ note: 'ok' }]);
    await engine.stop();
  });
});
