import { PermanentError, StepHandler, type JsonObject, type StepContext } from '@tasker/core';
import type { ValidatedCart } from './checkout-context.js';

/** How large orders are reviewed: above which total (in currency units), and how long a review may take. */
export interface ReviewPolicy {
  reviewAbove: number;
  reviewTimeoutMs: number;
}

/** A person's decision on an order: the payload of the signal `review` (its schema is in the template). */
interface ReviewDecision {
  approved: boolean;
  reviewer?: string;
  note?: string;
}

/**
 * `review_order`: an order whose total is above the policy's threshold waits for a fraud review, the signal
 * `review`; a smaller one passes at once. The total is the one `validate_cart` computed from the shop's prices, so
 * the decision is taken here, after it, rather than from the request. Waiting ends the attempt and passivates the
 * task (see `ctx.waitForSignal`): the handler runs again when the decision comes, and reaches it at once.
 */
export class ReviewOrderHandler extends StepHandler {
  constructor(private readonly policy: ReviewPolicy) {
    super();
  }

  async process(ctx: StepContext): Promise<JsonObject> {
    const { total } = ctx.results<ValidatedCart>('validate_cart');
    if (total <= this.policy.reviewAbove) return { review: 'not_needed', total };
    const decision = await ctx.waitForSignal<ReviewDecision>('review', { timeoutMs: this.policy.reviewTimeoutMs });
    const by = decision.reviewer === undefined ? '' : ` by ${decision.reviewer}`;
    if (!decision.approved) {
      throw new PermanentError(`Order rejected in fraud review${by}${decision.note ? `: ${decision.note}` : ''}`, {
        code: 'ORDER_REJECTED',
      });
    }
    return { review: 'approved', total, reviewer: decision.reviewer ?? null, note: decision.note ?? null };
  }
}
