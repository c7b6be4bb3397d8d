import type { Logger, StepEvent, TaskTransitionEvent } from '@tasker/core';
import { EventSubscriber, type EventHandlers } from '@tasker/telemetry';

/**
 * The seed's `CheckoutMonitor`: subscribes to `step.failed` and `task.completed` of the checkout workflow, logs
 * every payment failure (where the seed alerts the payments team) and counts completed checkouts (where the seed
 * increments a metric).
 *
 * @example
 * const monitor = new CheckoutMonitor(logger);
 * const unsubscribe = monitor.subscribe(engine);
 */
export class CheckoutMonitor extends EventSubscriber implements EventHandlers {
  static override readonly subscribesTo = ['step.failed', 'task.completed'] as const;

  /** Checkouts completed since the monitor subscribed. */
  completedCheckouts = 0;
  /** Checkouts whose payment failed for good since the monitor subscribed. */
  paymentFailures = 0;
  readonly #logger: Logger;

  constructor(logger: Logger) {
    super();
    this.#logger = logger.child({ subscriber: 'CheckoutMonitor' });
  }

  handleStepFailed(event: StepEvent<'step.failed'>): void {
    if (event.namespace !== 'ecommerce' || event.stepName !== 'process_payment') return;
    this.paymentFailures++;
    this.#logger.error(
      { task_id: event.taskId, correlation_id: event.correlationId, error_code: event.error?.code },
      `Payment failure in checkout: ${event.error?.message ?? 'unknown error'}`,
    );
  }

  handleTaskCompleted(event: TaskTransitionEvent<'task.completed'>): void {
    if (event.namespace !== 'ecommerce' || event.name !== 'process_order') return;
    this.completedCheckouts++;
    this.#logger.info(
      { task_id: event.taskId, correlation_id: event.correlationId, duration_ms: event.durationMs },
      'Checkout completed',
    );
  }
}
