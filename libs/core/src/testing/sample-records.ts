import type { EngineEvent, StepEventType } from '../domain/events.js';
import type { StepRecord, TaskRecord } from '../domain/records.js';

let sequence = 0;

/** A task row for store tests; each call gets a fresh id. */
export function sampleTask(overrides: Partial<TaskRecord> = {}): TaskRecord {
  sequence++;
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    namespace: 'ecommerce',
    name: 'process_order',
    version: '1.0.0',
    state: 'pending',
    context: { cart_items: [{ product_id: 1, quantity: 2, price: 9.5 }], customer_info: { email: 'a@example.com' } },
    correlationId: `corr-${sequence}`,
    tags: ['checkout'],
    maxParallelSteps: 8,
    createdAt: 1_700_000_000_000 + sequence,
    updatedAt: 1_700_000_000_000 + sequence,
    ...overrides,
  };
}

/** A two-step chain of rows (`validate_cart` then `process_payment`) for `taskId`. */
export function sampleSteps(taskId: string): StepRecord[] {
  const settings = { retryable: true, retryLimit: 3, backoff: { baseMs: 1000, factor: 2, maxMs: 60_000, jitter: 0 } };
  return [
    {
      taskId,
      name: 'validate_cart',
      position: 0,
      handler: 'ValidateCart',
      dependsOn: [],
      settings,
      config: {},
      state: 'pending',
      attempts: 0,
      budgetBase: 0,
    },
    {
      taskId,
      name: 'process_payment',
      position: 1,
      handler: 'ProcessPayment',
      dependsOn: ['validate_cart'],
      settings: { ...settings, timeoutMs: 30_000 },
      config: { gateway: 'test' },
      dependentSystem: 'payment_gateway',
      state: 'pending',
      attempts: 0,
      budgetBase: 0,
    },
  ];
}

/** A step event of `taskId` as the engine would log it, for event log tests. */
export function sampleEvent(
  taskId: string,
  type: StepEventType = 'step.started',
  at = 1_700_000_000_000,
  namespace = 'ecommerce',
): EngineEvent {
  return {
    type,
    taskId,
    namespace,
    name: 'process_order',
    version: '1.0.0',
    correlationId: `corr-${taskId}`,
    by: 'engine',
    at,
    stepName: 'validate_cart',
    attempt: 1,
    from: 'pending',
    to: 'in_progress',
  } as EngineEvent;
}
