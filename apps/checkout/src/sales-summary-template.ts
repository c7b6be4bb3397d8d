import type { ScheduleDefinition, TaskTemplate } from '@tasker/core';

/** The handler name of the summary's one step. */
export const SUMMARISE_SALES_HANDLER = 'Reports::SummariseSalesHandler';

/**
 * `reports/sales_summary`: a task of its own, apart from the checkouts, with one step that sums a day's orders.
 * Built here rather than in `config/tasker/tasks`, which holds the seed's templates that every tool loads.
 */
export const SALES_SUMMARY_TEMPLATE: TaskTemplate = {
  namespace: 'reports',
  name: 'sales_summary',
  version: '1.0.0',
  description: "Sums the previous day's orders into sales_summaries",
  steps: [{ name: 'summarise_sales', handler: SUMMARISE_SALES_HANDLER, retryLimit: 3 }],
};

/**
 * The nightly schedule of the summary at `cron` (UTC). After downtime the latest missed night runs once
 * (`catchUp: 'latest'`); a summary still running when the next is due makes that one skip.
 */
export function salesSummarySchedule(cron: string): ScheduleDefinition {
  return {
    id: 'nightly_sales_summary',
    cron,
    task: { namespace: 'reports', name: 'sales_summary', context: {} },
    catchUp: 'latest',
    overlap: 'skip',
  };
}
