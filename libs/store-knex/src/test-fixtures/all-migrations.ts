/** Every migration of the store, oldest first, as tests expect to find them applied. */
export const ALL_MIGRATIONS = [
  '001-create-tables',
  '002-trace-context',
  '003-leases',
  '004-room-for-updates',
  '005-dependent-system',
  '006-event-log',
  '007-subscriber-positions',
  '008-webhook-deliveries',
  '009-signals',
  '010-schedules',
  '011-deadlines',
  '012-step-items',
  '013-priorities-concurrency-and-rate-limits',
  '014-analytics-indexes',
  '015-task-retention',
  '016-analytics-rollups',
];
