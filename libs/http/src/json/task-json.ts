import {
  STEP_ITEM_STATES,
  type AnnotationRecord,
  type StepItemCounts,
  type StepItemRecord,
  type StepItemState,
  type StepView,
  type TaskSummary,
  type TaskView,
  type TransitionRecord,
} from '@tasker/core';
import { isoTime } from './time.js';
import { traceIdOf } from './trace-id.js';

/** A step as the API shows it (the seed's `workflow_steps[]` entries). */
export function stepJson(step: StepView) {
  return {
    name: step.name,
    handler: step.handler,
    depends_on: step.dependsOn,
    dependent_system: step.dependentSystem ?? null,
    current_state: step.state,
    attempts: step.attempts,
    attempts_left: step.attemptsLeft,
    retryable: step.settings.retryable,
    retry_limit: step.settings.retryLimit,
    timeout_ms: step.settings.timeoutMs ?? null,
    results: step.results ?? null,
    error_message: step.errorMessage ?? null,
    error_code: step.errorCode ?? null,
    error_stack: step.error?.stack ?? null,
    started_at: isoTime(step.startedAt),
    completed_at: isoTime(step.completedAt),
    duration_ms: step.durationMs ?? null,
    next_retry_at: isoTime(step.nextRetryAt),
    waiting_for: step.waitingFor
      ? { signal: step.waitingFor.signal ?? null, until: isoTime(step.waitingFor.until) }
      : null,
    items: step.items ? itemCountsJson(step.items) : null,
  };
}

/** A map step's items by state, every state present (0 when no item is in it), and their total. */
export function itemCountsJson(counts: StepItemCounts) {
  const byState = Object.fromEntries(STEP_ITEM_STATES.map((state) => [state, counts[state] ?? 0])) as Record<
    StepItemState,
    number
  >;
  return { total: STEP_ITEM_STATES.reduce((sum, state) => sum + byState[state], 0), ...byState };
}

/** One item of a map step as the API shows it. */
export function stepItemJson(item: StepItemRecord) {
  return {
    index: item.index,
    current_state: item.state,
    attempts: item.attempts,
    results: item.results ?? null,
    error_message: item.error?.message ?? null,
    error_code: item.error?.code ?? null,
    updated_at: isoTime(item.updatedAt),
  };
}

/** A task as lists show it, without steps. */
export function taskSummaryJson(task: TaskSummary) {
  return {
    task_id: task.id,
    namespace: task.namespace,
    name: task.name,
    version: task.version,
    current_state: task.state,
    correlation_id: task.correlationId,
    idempotency_key: task.idempotencyKey ?? null,
    initiator: task.initiator ?? null,
    source_system: task.sourceSystem ?? null,
    reason: task.reason ?? null,
    tags: task.tags,
    error_message: task.errorMessage ?? null,
    run_at: isoTime(task.runAt),
    deadline_at: isoTime(task.deadlineAt),
    priority: task.priority ?? 0,
    schedule_id: task.scheduleId ?? null,
    scheduled_for: isoTime(task.scheduledFor),
    created_at: isoTime(task.createdAt),
    updated_at: isoTime(task.updatedAt),
    started_at: isoTime(task.startedAt),
    completed_at: isoTime(task.completedAt),
    duration_ms: task.durationMs ?? null,
  };
}

/** An entry of a task's history. */
export function transitionJson(transition: TransitionRecord) {
  return {
    step_name: transition.stepName ?? null,
    from_state: transition.from,
    to_state: transition.to,
    attempt: transition.attempt ?? null,
    error_message: transition.error?.message ?? null,
    error_code: transition.error?.code ?? null,
    error_stack: transition.error?.stack ?? null,
    by: transition.by,
    reason: transition.reason ?? null,
    at: isoTime(transition.at),
  };
}

/** An annotation a task handler wrote. */
export function annotationJson(annotation: AnnotationRecord) {
  return { annotation_type: annotation.type, content: annotation.content, created_at: isoTime(annotation.createdAt) };
}

/** A task with its context, steps, annotations and history: what `GET /tasks/:id` answers. */
export function taskJson(task: TaskView, history: readonly TransitionRecord[]) {
  return {
    ...taskSummaryJson(task),
    trace_id: traceIdOf(task.traceContext),
    context: task.context,
    workflow_steps: task.steps.map(stepJson),
    annotations: task.annotations.map(annotationJson),
    history: history.map(transitionJson),
  };
}
