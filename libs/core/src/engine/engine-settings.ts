import type { InspectionEvent, Observer } from 'xstate';
import type { JsonLimits } from '../domain/check-json.js';
import type { TaskStore } from '../store/task-store.js';
import type { VersionResolver } from '../templates/version-resolver.js';
import type { Clock } from '../ports/clock.js';
import type { EngineDefaults } from './engine-types.js';
import type { EventLogSettings } from './event-log-retention.js';
import type { LeaseSettings } from './lease-keeper.js';
import type { RetentionSettings } from '../retention/retention-options.js';
import type { Logger } from '../ports/logger.js';
import type { StartTrace } from '../ports/start-trace.js';
import type { WebhookSettings } from '../webhooks/webhook-options.js';

/** What an engine is built from. */
export interface EngineSettings {
  store: TaskStore;
  clock: Clock;
  concurrency: number;
  defaults: EngineDefaults;
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  logger: Logger;
  random: () => number;
  resolveVersion?: VersionResolver;
  stopGracePeriodMs: number;
  /** How long a compensation waits for its step's aborted attempt to return (see `EngineOptions`). */
  abortedHandlerGraceMs: number;
  /** What one point of priority is worth in the claim order (see `EngineOptions.priorityAgeMs`). */
  priorityAgeMs: number;
  lease: LeaseSettings;
  /** A task whose next event (a retry) is at least this far away is saved and dropped from memory until then. */
  passivateAfterMs: number;
  startTrace?: StartTrace;
  /** Acts for operators only: runs no handler, hands a task back once its operator event is durable. */
  operatorOnly: boolean;
  /** Caps on the JSON that requests and handlers hand the engine. */
  limits: JsonLimits;
  /** How long the store's event log keeps events; `false`: events are not logged (see `EngineOptions`). */
  eventLog: EventLogSettings | false;
  /** How long finished tasks are kept, checked (see `EngineOptions.retention`); none purged when absent. */
  retention?: RetentionSettings;
  /** The webhooks this engine delivers to, checked (see `EngineOptions.webhooks`). */
  webhooks: WebhookSettings[];
}
