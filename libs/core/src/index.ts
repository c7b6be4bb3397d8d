/**
 * Tasker's engine core.
 *
 * Terminology:
 * - **Task template**: a versioned (`namespace/name@version`) DAG of step templates with a schema for the task's
 *   context, written in YAML (`@tasker/template`) or in TypeScript ({@link TaskTemplate}).
 * - **Task**: one run of a template with a context. **Step**: one node of that run.
 * - **Step handler**: user code that does a step's work and returns its JSON result ({@link StepHandler}).
 * - **Task handler**: optional hooks around every task of a template ({@link TaskHandler}).
 * - **Store**: where tasks, steps, history, annotations and actor snapshots live ({@link TaskStore}).
 * - **Engine**: what a service embeds: it registers templates and handlers, runs tasks as XState actors, answers
 *   queries and emits events ({@link createEngine}).
 */
export type { JsonObject, JsonValue } from './domain/json.js';
export {
  DEFAULT_JSON_LIMITS,
  checkJson,
  checkString,
  findJsonProblem,
  storableString,
  stringProblem,
} from './domain/check-json.js';
export type { JsonCaps, JsonLimits, JsonProblem } from './domain/check-json.js';
export type {
  BackoffPolicy,
  CompensationSettings,
  CompensationTemplate,
  ConcurrencyLimit,
  ContextViolation,
  RateLimit,
  StepSettings,
  StepTemplate,
  TaskTemplate,
} from './domain/template.js';
export { MAX_PRIORITY, isPriority, templateKey } from './domain/template.js';
export type { TemplateSchedule } from './domain/template.js';
export {
  STEP_STATES,
  TASK_STATES,
  UNFINISHED_TASK_STATES,
  isStepDone,
  isTaskTerminal,
  isTaskUnfinished,
} from './domain/states.js';
export type { SettledStepState, StepState, TaskState } from './domain/states.js';
export type { AnnotationRecord, StepError, StepRecord, TaskRecord, TransitionRecord } from './domain/records.js';
export { EVENT_TYPES, STEP_EVENT_TYPES, TASK_EVENT_TYPES, isCustomEvent } from './domain/events.js';
export type {
  EngineEvent,
  EngineEventType,
  CustomEvent,
  CustomEventType,
  EventBase,
  EventOf,
  EventPattern,
  StepEvent,
  StepEventBase,
  StepEventFields,
  StepEventTargets,
  StepEventType,
  TaskEvent,
  TaskEventType,
  TaskLostEvent,
  TaskTransitionEvent,
  TaskTransitionType,
  TransitionEvent,
} from './domain/events.js';

export { ERROR_CODES } from './errors/error-codes.js';
export type { ErrorCode } from './errors/error-codes.js';
export { TaskerError } from './errors/tasker-error.js';
export { PermanentError } from './errors/permanent-error.js';
export { RetryableError } from './errors/retryable-error.js';
export { StepTimeoutError } from './errors/step-timeout-error.js';
export { AttemptInterruptedError } from './errors/attempt-interrupted-error.js';
export { TemplateValidationError } from './errors/template-validation-error.js';
export type { TemplateProblem } from './errors/template-validation-error.js';
export { StoreUrlError } from './errors/store-url-error.js';
export { ContextValidationError } from './errors/context-validation-error.js';
export { NotFoundError } from './errors/not-found-error.js';
export { InvalidTransitionError } from './errors/invalid-transition-error.js';
export { InvalidRequestError } from './errors/invalid-request-error.js';
export { InvalidJsonError } from './errors/invalid-json-error.js';
export { WriteRejectedError } from './errors/write-rejected-error.js';

export { StepHandler } from './handlers/step-handler.js';
export type { StepHandlerFunction } from './handlers/step-handler.js';
export type { StepContext, StepInfo, StepTaskInfo } from './handlers/step-context.js';
export { CompensationHandler } from './handlers/compensation-handler.js';
export type { CompensationHandlerFunction } from './handlers/compensation-handler.js';
export type { CompensatedStepInfo, CompensationContext, CompensationReason } from './handlers/compensation-context.js';
export { TaskHandler } from './handlers/task-handler.js';
export type { AdjustableStep, AnnotatableTask, StepSummary, TaskHookInfo } from './handlers/task-handler.js';
export type { CompensationRegistration, HandlerRegistration } from './handlers/handler-registry.js';
export type { HandlerInfo, HandlerKind, HandlerKinds } from './handlers/handler-kinds.js';

export type { Catalog } from './templates/catalog.js';
export { validateTemplate } from './templates/validate-template.js';
export { compareVersions, exactOrLatest } from './templates/version-resolver.js';
export type { VersionResolver } from './templates/version-resolver.js';

export type { ClaimRequest, ClaimResult, Lease, LeaseRelease, LeaseTerms, WorkerLeases } from './store/leases.js';
export type { TaskStore } from './store/task-store.js';
export type { EventLog, EventPurge, EventQuery, LoggedEvent } from './store/event-log.js';
export type { SubscriberClaim, SubscriberHold, SubscriberPositions } from './store/subscriber-positions.js';
export type {
  WebhookDelivery,
  WebhookDeliveryLog,
  WebhookDeliveryQuery,
  WebhookOutcome,
} from './store/webhook-delivery-log.js';
export { eventMatchesQuery } from './store/event-query.js';
export { sharedWatch } from './store/shared-watch.js';
export type { StartWatch } from './store/shared-watch.js';
export { eventMatches } from './domain/event-pattern.js';
export type {
  CommitResult,
  CreateTaskResult,
  NewTask,
  StepPatch,
  StoredSnapshot,
  TaskLog,
  TaskPatch,
  TaskWrite,
} from './store/task-log.js';
export type { StoredTask, TaskFilter, TaskPage, TaskQueries } from './store/task-queries.js';
export type { TaskLeasing } from './store/task-leasing.js';
export type { ScheduleStore } from './store/schedule-store.js';
export { MAX_CATCH_UP_FIRES, NEVER_FIRES } from './schedules/schedule.js';
export type {
  ScheduleAdvance,
  ScheduleCatchUp,
  ScheduleDefinition,
  ScheduleOverlap,
  ScheduleRecord,
  ScheduledTask,
} from './schedules/schedule.js';
export { cronTimes } from './schedules/cron-times.js';
export type { CronTimes } from './schedules/cron-times.js';
export { parseRunAt } from './engine/parse-run-at.js';
export type { StoreLifecycle } from './store/store-lifecycle.js';
export type { ActivityFilter, TaskActivity } from './store/task-activity.js';
export type {
  DurationFigures,
  ErrorCount,
  StateCount,
  StepFigure,
  StepFigures,
  TaskAnalytics,
  TaskFigures,
  TemplateFigure,
} from './store/task-analytics.js';
export { COMMON_ERROR_RANKS } from './store/task-analytics.js';
export { commonErrorsOf, stepFiguresOf, taskFiguresOf } from './store/activity-figures.js';
export { durationBucket } from './store/duration-bucket.js';

export { MemoryStore, createMemoryStore } from './store/memory-store.js';
export { createStoreFromUrl } from './store-url/create-store-from-url.js';
export type { StoreFromUrlOptions } from './store-url/create-store-from-url.js';
export { STORE_URL_SCHEMES } from './store-url/store-location.js';
export { redactUrl } from './store-url/redact-url.js';
export { encodeTaskCursor, decodeTaskCursor, pageSize } from './store/task-cursor.js';
export type { TaskCursor } from './store/task-cursor.js';
export type { StoreErrorKind } from './store/store-error-kind.js';
export { classifyEngineError } from './store/store-error-kind.js';
export type { WriteHealth } from './store/write-health.js';

export { createEngine } from './engine/create-engine.js';
export type { EngineOptions } from './engine/create-engine.js';
export { Engine } from './engine/engine.js';
export { stopOnSignals } from './engine/stop-on-signals.js';
export type { SignalStopOptions } from './engine/stop-on-signals.js';
export type { EventListener } from './engine/event-bus.js';
export { EventFeed } from './engine/event-feed.js';
export type { EventFeedQuery, EventFollowOptions } from './engine/event-feed.js';
export { DEFAULT_EVENT_LOG_SETTINGS } from './engine/event-log-retention.js';
export type { EventLogSettings } from './engine/event-log-retention.js';
export type { EventDelivery, EventSubscriberOptions, SubscriberRetry } from './engine/subscriber-options.js';
export type { WebhookOptions } from './webhooks/webhook-options.js';
export { WEBHOOK_SIGNATURE_HEADER, signWebhookBody, verifyWebhookSignature } from './webhooks/webhook-signature.js';
export type { WebhookVerification } from './webhooks/webhook-signature.js';
export { DEFAULT_ENGINE_DEFAULTS } from './engine/engine-types.js';
export type {
  ActionOptions,
  EngineDefaults,
  RunTaskRequest,
  RunTaskResult,
  StepView,
  TaskHistory,
  TaskSummary,
  TaskView,
} from './engine/engine-types.js';
export type { Clock } from './ports/clock.js';
export { systemClock } from './ports/clock.js';
export type { NewTaskTraceInfo, StartTrace } from './ports/start-trace.js';
export type { Logger, LogFields } from './ports/logger.js';
export { silentLogger } from './ports/logger.js';

// Waiting inside a task: sleep and signal steps, signals, `ctx.waitForSignal`.
export type { SignalResult } from './engine/engine-types.js';
export type { SendSignalOutcome, SentSignal, TaskSignals } from './store/task-signals.js';

// Retention and archival of finished tasks.
export type {
  ArchivedTask,
  ExpiredTask,
  ExpiredTaskCursor,
  ExpiredTaskQuery,
  FinishedTaskState,
  PurgeOptions,
  TaskRetention,
} from './store/task-retention.js';
export { FINISHED_TASK_STATES, byFinishTime, isTaskFinished, refuseTableArchive } from './store/task-retention.js';
export type { Duration } from './retention/duration.js';
export { durationMs } from './retention/duration.js';
export type { RetentionAges } from './retention/retention-policy.js';
export type { ArchiveOptions, RetentionOptions } from './retention/retention-options.js';
export type { PurgeRequest } from './retention/purge-request.js';
export type { PurgeReport } from './retention/task-purger.js';
export { archiveFileName } from './retention/json-lines-archive.js';
export type { ConcurrencyLimits, HeldSlot, SlotGrant, SlotRequest } from './store/concurrency-limits.js';
export type { RateLimits, TokenBucket, TokenGrant, TokenRequest } from './store/rate-limits.js';
export { nextTokenAt, refillTokens } from './store/rate-limits.js';
export { SignalTimeoutError } from './errors/signal-timeout-error.js';
export { DeadlineExceededError } from './errors/deadline-exceeded-error.js';
export { SignalValidationError } from './errors/signal-validation-error.js';
export { SIGNAL_HANDLER, SLEEP_HANDLER, declaredSignals, stepHandlerName } from './domain/template.js';
export type { StepType, WaitSettings } from './domain/template.js';
export type { WaitingFor } from './domain/records.js';

// Decision and map steps: branches a decision activates or skips, fan-out over an array with per-item state.
export { DEFAULT_MAP_PARALLELISM } from './domain/template.js';
export type { DecisionResult, MapTemplate } from './domain/template.js';
export { STEP_ITEM_STATES } from './store/step-items.js';
export type { StepItemCounts, StepItemPage, StepItemRecord, StepItems, StepItemState } from './store/step-items.js';
