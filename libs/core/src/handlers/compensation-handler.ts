import type { JsonValue } from '../domain/json.js';
import type { CompensationContext } from './compensation-context.js';

/**
 * A compensation handler written as a class: `compensate` undoes what its step did (a refund for a charge, say)
 * when the task fails for good or is cancelled. It runs at least once, so it must be idempotent: use
 * `ctx.idempotencyKey`, and treat "nothing to undo" (`ctx.step.outcome === 'uncertain'` and no trace of the work)
 * as success. `PermanentError` fails the compensation at once; other errors retry within its budget.
 *
 * @example
 * class RefundPayment extends CompensationHandler {
 *   async compensate(ctx: CompensationContext) {
 *     return payments.refund({ chargeKey: `${ctx.task.id}:process_payment`, idempotencyKey: ctx.idempotencyKey });
 *   }
 * }
 */
export abstract class CompensationHandler {
  abstract compensate(ctx: CompensationContext): Promise<JsonValue | void>;
}

/** A compensation handler written as a plain async function. */
export type CompensationHandlerFunction = (ctx: CompensationContext) => Promise<JsonValue | void>;
