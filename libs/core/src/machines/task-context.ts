import type { StepError } from '../domain/records.js';
import type { StepState, TaskState } from '../domain/states.js';
import type { CompensationReason } from '../handlers/compensation-context.js';
import type { StepResolution } from './step.machine.js';

/**
 * A step as its task actor tracks it: `in_progress` while a step actor for it is alive, `compensating` while a
 * compensation actor is. No results: a step's result lives in its row (and its transition), which the engine keeps
 * in memory for the task's handlers, so that a snapshot does not carry every result so far.
 */
export interface TaskStepEntry {
  state: Exclude<StepState, 'waiting_for_retry' | 'waiting'>;
  attempts: number;
  budgetBase: number;
  error?: StepError;
  durationMs?: number;
  /** Whether an attempt of the step ended without a known outcome: its work may have happened. */
  uncertain?: boolean;
  /** Set when the task compensates and this step is to be undone: whether it completed or its outcome is unknown. */
  undo?: 'completed' | 'uncertain';
}

/** Why the task compensates, and the state it ends in when every compensation succeeded. */
export interface TaskCompensation {
  reason: CompensationReason;
  then: 'failed' | 'cancelled';
}

export interface TaskMachineContext {
  taskId: string;
  /** The public state of the task's last durable transition. */
  state: TaskState;
  /** By step name. */
  steps: Record<string, TaskStepEntry>;
  startedAt?: number;
  /** Set while the engine shuts down: no step starts. */
  paused?: boolean;
  /** A manual resolution of a step that no actor runs yet; applied when the task is running again. */
  resolution?: StepResolution & { stepName: string };
  /** Set from the moment the task starts compensating. */
  compensation?: TaskCompensation;
  /** Set by an operator's retry of a task whose compensations failed: those run again. */
  retryCompensations?: boolean;
  /** When the task fails with `DEADLINE_EXCEEDED` (ms since the epoch), if it has a deadline. */
  deadlineAt?: number;
  /** How long the deadline is: an operator's retry gives the task this long again. */
  deadlineMs?: number;
  /** Set once the deadline passed: no step starts, and the task fails (compensating first) once its steps stopped. */
  expired?: boolean;
  /** The operator behind the transition being recorded. */
  by?: string;
  reason?: string;
}

/** What the engine hands a task actor it creates for a stored task. */
export interface TaskMachineInput {
  taskId: string;
  stepNames: readonly string[];
  /** Steps the task's request bypassed: stored `skipped`, recorded as such when the task starts. */
  skipped: readonly string[];
  /** The task's deadline, when it has one: when it passes (ms since the epoch), and how long it is. */
  deadline?: { at: number; ms: number };
}
