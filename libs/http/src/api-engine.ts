import type { Engine } from '@tasker/core';

/**
 * What the REST API uses of an engine: its requests and operator actions (a purge of finished tasks included), its
 * queries, its catalog of templates and handlers, its events (the store's event log, every worker's), and its health
 * and workers. Never its store or registries: every read goes through the engine, which checks and shapes it.
 */
export type ApiEngine = Pick<
  Engine,
  | 'runTask'
  | 'retryTask'
  | 'cancelTask'
  | 'resolveStep'
  | 'signal'
  | 'getTask'
  | 'getStepItems'
  | 'getHistory'
  | 'listTasks'
  | 'taskFigures'
  | 'stepFigures'
  | 'catalog'
  | 'on'
  | 'events'
  | 'writeHealth'
  | 'countWaitingTasks'
  | 'listWorkers'
  | 'workerId'
  | 'activeTaskCount'
  | 'heldLeaseCount'
  | 'webhookDeliveries'
  | 'schedule'
  | 'unschedule'
  | 'listSchedules'
  | 'getSchedule'
  | 'purgeFinishedTasks'
>;
