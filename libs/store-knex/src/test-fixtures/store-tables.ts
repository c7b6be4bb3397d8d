/** The store's tables with the default prefix, for emptying them between tests. */
export const STORE_TABLES = [
  'tasker_tasks',
  'tasker_steps',
  'tasker_transitions',
  'tasker_annotations',
  'tasker_snapshots',
  'tasker_events',
  'tasker_subscriber_positions',
  'tasker_webhook_deliveries',
  'tasker_schedules',
  'tasker_archived_tasks',
  'tasker_concurrency_slots',
  'tasker_rate_limits',
  'tasker_step_items',
];
