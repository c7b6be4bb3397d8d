import {
  TaskHandler,
  type AdjustableStep,
  type AnnotatableTask,
  type StepSummary,
  type TaskHookInfo,
} from '@tasker/core';
import type { PaymentTimeouts } from '../config/checkout-config.js';
import { checkoutContext } from './checkout-context.js';

/** The seed's `Ecommerce::OrderProcessingHandler`: express orders, and annotations for analytics. */
export class OrderProcessingHandler extends TaskHandler {
  constructor(private readonly paymentTimeouts: PaymentTimeouts = { expressMs: 15_000 }) {
    super();
  }

  override establishStepDependenciesAndDefaults(task: TaskHookInfo, steps: AdjustableStep[]) {
    const payment = steps.find((step) => step.name === 'process_payment');
    if (payment && this.paymentTimeouts.standardMs !== undefined) payment.timeoutMs = this.paymentTimeouts.standardMs;
    if (checkoutContext(task).priority !== 'express') return;
    // Express orders get faster timeouts and fewer retries.
    if (payment) Object.assign(payment, { timeoutMs: this.paymentTimeouts.expressMs, retryLimit: 1 });
    const email = steps.find((step) => step.name === 'send_confirmation');
    if (email) email.retryLimit = 2;
  }

  override updateAnnotations(task: AnnotatableTask, steps: StepSummary[]) {
    const payment = steps.find((step) => step.name === 'process_payment');
    if (payment?.state === 'completed') {
      const results = payment.results as { payment_id: string; amount_charged: number };
      task.annotate('payment_processed', {
        payment_id: results.payment_id,
        amount_charged: results.amount_charged,
        processing_time_ms: payment.durationMs ?? 0,
      });
    }
    if (task.state === 'completed') {
      task.annotate('checkout_completed', {
        total_duration_ms: steps.reduce((sum, step) => sum + (step.durationMs ?? 0), 0),
        steps_completed: steps.length,
        customer_email: checkoutContext(task).customer_info.email,
      });
    }
  }
}
