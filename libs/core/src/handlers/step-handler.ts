import type { JsonValue } from '../domain/json.js';
import type { StepContext } from './step-context.js';

/**
 * A step handler written as a class, the seed's style. `process` does the step's work and returns its result,
 * which must be JSON; throwing fails the attempt (see `PermanentError` and `RetryableError`).
 *
 * @example
 * class ValidateCart extends StepHandler {
 *   async process(ctx: StepContext) {
 *     const items = ctx.task.context.cart_items as CartItem[];
 *     return { total: items.reduce((sum, item) => sum + item.price * item.quantity, 0) };
 *   }
 * }
 */
export abstract class StepHandler {
  abstract process(ctx: StepContext): Promise<JsonValue | void> | JsonValue | void;
}

/** A step handler written as a plain (async) function. */
export type StepHandlerFunction = (ctx: StepContext) => Promise<JsonValue | void> | JsonValue | void;
