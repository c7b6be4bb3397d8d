import type {
  EngineEvent,
  EngineEventType,
  EventBase,
  StepEvent,
  StepEventBase,
  StepEventFields,
  StepEventTargets,
  StepEventType,
  TaskLostEvent,
  TaskTransitionEvent,
  TaskTransitionType,
} from '../domain/events.js';
import type { TransitionRecord } from '../domain/records.js';
import type { StepState, TaskState } from '../domain/states.js';
import type { TaskWrite } from '../store/task-store.js';
import { SIGNAL_WAKE } from '../machines/step.machine.js';

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
const TASK_EVENTS: Partial<Record<TaskState, TaskTransitionType>> = {
  completed: 'task.completed',
  failed: 'task.failed',
  cancelled: 'task.cancelled',
  resolved_manually: 'task.resolved_manually',
};
/** The event of a step's move to each state: the inverse of `StepEventTargets`, which its type checks. */
const STEP_EVENTS: { [T in StepEventType as StepEventTargets[T]]: T } = {
  pending: 'step.reset',
  in_progress: 'step.started',
  waiting_for_retry: 'step.retry_scheduled',
  waiting: 'step.waiting',
  throttled: 'step.throttled',
  completed: 'step.completed',
  failed: 'step.failed',
  cancelled: 'step.cancelled',
  resolved_manually: 'step.resolved_manually',
  skipped: 'step.skipped',
  compensating: 'step.compensating',
  compensated: 'step.compensated',
  compensation_failed: 'step.compensation_failed',
};

// Names are looked up, not built: this runs for every transition the engine commits.
function eventType(transition: TransitionRecord): EngineEventType {
  const { to } = transition;
  if (transition.stepName !== undefined) {
    return transition.by === SIGNAL_WAKE && transition.from === 'waiting' && to === 'in_progress'
      ? 'step.signal_received'
      : STEP_EVENTS[to as StepState];
  }
  if (to === 'in_progress') return transition.from === 'pending' ? 'task.started' : 'task.resumed';
  return TASK_EVENTS[to as TaskState] ?? (`task.${to}` as TaskTransitionType);
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
    if (!wanted(type)) continue;
    const base = eventBase(task, transition);
    events.push(
      transition.stepName === undefined
        ? taskEvent(base, task, write, transition, type as TaskTransitionType)
        : stepEvent(base, write, transition, transition.stepName, type as StepEventType),
    );
  }
  return events;
}

function eventBase(task: EventTaskInfo, transition: TransitionRecord): EventBase {
  const base: EventBase = {
    taskId: task.taskId,
    namespace: task.namespace,
    name: task.name,
    version: task.version,
    correlationId: task.correlationId,
    by: transition.by,
    at: transition.at,
  };
  if (transition.reason !== undefined) base.reason = transition.reason;
  if (task.traceContext !== undefined) base.traceContext = task.traceContext;
  return base;
}

function taskEvent(
  base: EventBase,
  task: EventTaskInfo,
  write: TaskWrite,
  transition: TransitionRecord,
  type: TaskTransitionType,
): TaskTransitionEvent {
  const event: TaskTransitionEvent = {
    ...base,
    type,
    from: transition.from as TaskState,
    to: transition.to as TaskState,
  };
  if (transition.error) event.error = transition.error;
  const ended = write.task?.completedAt;
  if (ended !== undefined && task.startedAt !== undefined) event.durationMs = ended - task.startedAt;
  return event;
}

/** A step event being built: any step type, with room for any step event's fields. */
type StepEventDraft = StepEventBase<StepEventType> &
  StepEventFields['step.retry_scheduled'] &
  StepEventFields['step.completed'] &
  StepEventFields['step.waiting'];

/**
 * A step event with the fields its type carries, taken from the transition and the step's row patch: the duration
 * and error of an attempt's end, the result of a completion, the time of the retry.
 */
function stepEvent(
  base: EventBase,
  write: TaskWrite,
  transition: TransitionRecord,
  stepName: string,
  type: StepEventType,
): StepEvent {
  const step = write.steps?.find((patch) => patch.name === stepName);
  // Every step transition records its attempt number (see stepWrite and taskWrite); 0 before the first.
  const event: StepEventDraft = {
    ...base,
    type,
    stepName,
    attempt: transition.attempt ?? 0,
    from: transition.from as StepState,
    to: transition.to as StepState,
  };
  if (transition.error) event.error = transition.error;
  if (step?.durationMs !== undefined) event.durationMs = step.durationMs;
  if (step && 'results' in step && step.results !== undefined) event.results = step.results;
  if (step?.nextRetryAt !== undefined) event.nextRetryAt = step.nextRetryAt;
  if (step?.waitingFor !== undefined) event.waitingFor = step.waitingFor;
  // Sound: a step transition's error and row patch hold only the fields of its type (see stepWrite).
  return event as StepEvent;
}

/** The `task.lost` event of a running task whose rows vanished from the store. */
export function lostEvent(task: EventTaskInfo, error: unknown, at: number): TaskLostEvent {
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
