import { StepHandler, type StepContext } from '@tasker/core';
import type { Knex } from 'knex';
import { dayBefore, summariseDay } from '../database/sales-summaries.js';

/**
 * The nightly sales summary's one step: sums the orders of the UTC day before it runs into `sales_summaries` and
 * logs it. Summarising a day again replaces its row, so a retried or repeated run is harmless.
 */
export class SummariseSalesHandler extends StepHandler {
  constructor(
    private readonly db: Knex,
    private readonly now: () => number,
  ) {
    super();
  }

  async process(ctx: StepContext) {
    const now = this.now();
    const summary = await summariseDay(this.db, dayBefore(now), now);
    ctx.log.info({ ...summary }, 'sales summary');
    return { day: summary.day, orders: summary.orders, revenue_cents: summary.revenueCents };
  }
}
