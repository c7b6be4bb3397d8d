import { StepHandler, type DecisionResult, type StepContext } from '@tasker/core';
import { checkoutContext } from './checkout-context.js';

/**
 * `choose_shipping` (template 1.2.0), a decision step: an express order ships with `ship_express`, any other with
 * `ship_standard`; the branch not chosen ends `skipped`, and `send_confirmation`, the join, runs after the other.
 */
export class ChooseShippingHandler extends StepHandler {
  process(ctx: StepContext): DecisionResult {
    return { activate: [checkoutContext(ctx.task).priority === 'express' ? 'ship_express' : 'ship_standard'] };
  }
}
