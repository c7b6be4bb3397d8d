import type { EventListener, StepEvent, TaskTransitionEvent } from '@tasker/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { CHECKOUT, checkoutEngine } from '../test-fixtures/checkout.js';
import { EventSubscriber, type EventHandlers } from './event-subscriber.js';

/** The seed's monitor: alerts on payment failures, counts completed checkouts. */
class CheckoutMonitor extends EventSubscriber implements EventHandlers {
  static override readonly subscribesTo = ['step.retry_scheduled', 'task.completed'] as const;
  readonly alerts: string[] = [];
  completed = 0;

  handleStepRetryScheduled(event: StepEvent<'step.retry_scheduled'>) {
    if (event.namespace === 'ecommerce' && event.stepName === 'process_payment') {
      this.alerts.push(`${event.correlationId}: ${event.error?.message}`);
    }
  }

  handleTaskCompleted() {
    this.completed++;
  }
}

/** A subscriber whose every handler throws or never settles. */
class BrokenMonitor extends EventSubscriber implements EventHandlers {
  static override readonly subscribesTo = ['step.started', 'step.completed', 'task.completed'] as const;
  calls = 0;

  handleStepStarted() {
    this.calls++;
    throw new Error('monitor broke');
  }

  async handleStepCompleted() {
    this.calls++;
    throw new Error('monitor rejected');
  }

  handleTaskCompleted() {
    this.calls++;
    return new Promise<void>(() => undefined);
  }
}

describe('event subscribers', () => {
  it('calls one method per declared event, with the event', async () => {
    const engine = checkoutEngine({ paymentFailures: 1 });
    const monitor = new CheckoutMonitor();
    monitor.subscribe(engine);
    await engine.start();
    await engine.waitForTask((await engine.runTask({ ...CHECKOUT, correlationId: 'req_abc123' })).taskId);
    await engine.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(monitor.alerts).toEqual(['req_abc123: Payment gateway timeout']);
    expect(monitor.completed).toBe(1);
  });

  it('a subscriber that throws, rejects or never settles leaves the outcome and history unchanged', async () => {
    const runWith = async (subscribe: boolean) => {
      const engine = checkoutEngine({ paymentFailures: 1 });
      const monitor = new BrokenMonitor();
      if (subscribe) monitor.subscribe(engine);
      await engine.start();
      const task = await engine.waitForTask((await engine.runTask(CHECKOUT)).taskId);
      const history = await engine.getHistory(task.id);
      await engine.stop();
      await new Promise((resolve) => setImmediate(resolve));
      return {
        calls: monitor.calls,
        state: task.state,
        steps: task.steps.map((step) => [step.name, step.state, step.attempts]),
        history: history.map((entry) => `${entry.stepName ?? 'task'}:${entry.to}`),
      };
    };
    const [quiet, broken] = [await runWith(false), await runWith(true)];
    expect(broken.calls).toBe(6 + 5 + 1);
    expect(broken.state).toBe('completed');
    expect({ ...broken, calls: 0 }).toEqual({ ...quiet, calls: 0 });
  });

  it('types each method by its own event', () => {
    expectTypeOf<EventHandlers['handleStepFailed']>().toEqualTypeOf<
      EventListener<StepEvent<'step.failed'>> | undefined
    >();
    expectTypeOf<EventHandlers['handleTaskCompleted']>().toEqualTypeOf<
      EventListener<TaskTransitionEvent<'task.completed'>> | undefined
    >();
    // A handler that takes another event's type is refused.
    expectTypeOf<(event: TaskTransitionEvent<'task.completed'>) => void>().not.toExtend<
      NonNullable<EventHandlers['handleStepFailed']>
    >();
  });

  it('refuses a declared event without its method, and an unknown event, naming the class', () => {
    class Forgetful extends EventSubscriber {
      static override readonly subscribesTo = ['task.failed'] as const;
    }
    class Misspelt extends EventSubscriber {
      static override readonly subscribesTo = ['task.finished' as never];
    }
    const engine = checkoutEngine();
    expect(() => new Forgetful().subscribe(engine)).toThrow(
      "Forgetful.subscribesTo: 'task.failed' is declared but Forgetful has no handleTaskFailed(event)",
    );
    expect(() => new Misspelt().subscribe(engine)).toThrow(/Misspelt.subscribesTo: 'task.finished' is no engine event/);
  });

  it('stops calling its methods once unsubscribed', async () => {
    const engine = checkoutEngine();
    const monitor = new CheckoutMonitor();
    const unsubscribe = monitor.subscribe(engine);
    await engine.start();
    await engine.waitForTask((await engine.runTask(CHECKOUT)).taskId);
    await new Promise((resolve) => setImmediate(resolve));
    unsubscribe();
    await engine.waitForTask((await engine.runTask(CHECKOUT)).taskId);
    await engine.stop();
    expect(monitor.completed).toBe(1);
  });
});
