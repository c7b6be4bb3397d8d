import type { EngineEvent, EngineEventType } from '../domain/events.js';
import type { TransitionRecord } from '../domain/records.js';
import type { StepState, TaskState } from '../domain/states.js';
import type { TaskWrite } from '../store/task-store.js';

/** The task fields every event of the task repeats. */
export interface EventTaskInfo {
  taskId: string;
  namespace: string;
  name: string;
  version: string;
  correlationId: string;
  startedAt?: number;
  traceContext?: Record<string, string>;
}

/** The events of a task's moves to its outcomes. */
const TASK_EVENTS: Partial<Record<TaskState, EngineEventType>> = {
  completed: 'task.completed',
  failed: 'task.failed',
  cancelled: 'task.cancelled',
  resolved_manually: 'task.resolved_manually',
};
/** The event of a step's move to each state. */
const STEP_EVENTS: Record<StepState, EngineEventType> = {
  pending: 'step.reset',
  in_progress: 'step.started',
  waiting_for_retry: 'step.retry_scheduled',
  completed: 'step.completed',
  failed: 'step.failed',
  cancelled: 'step.cancelled',
  resolved_manually: 'step.resolved_manually',
};

// Names are looked up, not built: this runs for every transition the engine commits.
function eventType(transition: TransitionRecord): EngineEventType {
  const { to } = transition;
  if (transition.stepName !== undefined) return STEP_EVENTS[to as StepState];
  if (to === 'in_progress') return transition.from === 'pending' ? 'task.started' : 'task.resumed';
  return TASK_EVENTS[to as TaskState] ?? (`task.${to}` as EngineEventType);
}

/** The events of a committed write that `wanted` accepts: one per transition it recorded. */
export function eventsFromWrite(
  task: EventTaskInfo,
  write: TaskWrite,
  wanted: (type: EngineEventType) => boolean = () => true,
): EngineEvent[] {
  const events: EngineEvent[] = [];
  for (const transition of write.transitions ?? []) {
    const type = eventType(transition);
    if (wanted(type)) events.push(toEvent(task, write, transition, type));
  }
  return events;
}

function toEvent(
  task: EventTaskInfo,
  write: TaskWrite,
  transition: TransitionRecord,
  type: EngineEventType,
): EngineEvent {
  const step =
    transition.stepName === undefined ? undefined : write.steps?.find((patch) => patch.name === transition.stepName);
  const taskEnd = transition.stepName === undefined ? write.task?.completedAt : undefined;
  const event: EngineEvent = {
    type,
    taskId: task.taskId,
    namespace: task.namespace,
    name: task.name,
    version: task.version,
    correlationId: task.correlationId,
    from: transition.from,
    to: transition.to,
    by: transition.by,
    at: transition.at,
  };
  if (transition.stepName !== undefined) event.stepName = transition.stepName;
  if (transition.attempt !== undefined) event.attempt = transition.attempt;
  if (transition.error) event.error = transition.error;
  if (transition.reason !== undefined) event.reason = transition.reason;
  if (task.traceContext !== undefined) event.traceContext = task.traceContext;
  if (step?.durationMs !== undefined) event.durationMs = step.durationMs;
  if (taskEnd !== undefined && task.startedAt !== undefined) event.durationMs = taskEnd - task.startedAt;
  if (step && 'results' in step && step.results !== undefined) event.results = step.results;
  if (step?.nextRetryAt !== undefined) event.nextRetryAt = step.nextRetryAt;
  return event;
}

/** The `task.lost` event of a running task whose rows vanished from the store. */
export function lostEvent(task: EventTaskInfo, error: unknown, at: number): EngineEvent {
  const detail = error instanceof Error ? error.message : String(error);
  return {
    type: 'task.lost',
    taskId: task.taskId,
    namespace: task.namespace,
    name: task.name,
    version: task.version,
    correlationId: task.correlationId,
    from: 'in_progress',
    to: 'in_progress',
    error: { message: `The store no longer holds the task: ${detail}`, code: 'TASK_LOST', name: 'TaskLostError' },
    by: 'engine',
    at,
    ...(task.traceContext === undefined ? {} : { traceContext: task.traceContext }),
  };
}
