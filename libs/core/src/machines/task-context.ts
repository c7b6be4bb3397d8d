import type { StepError } from '../domain/records.js';
import type { SettledStepState, TaskState } from '../domain/states.js';
import type { StepResolution } from './step.machine.js';

/**
 * A step as its task actor tracks it: `in_progress` while a step actor for it is alive. No results: a step's result
 * lives in its row (and its transition), which the engine keeps in memory for the task's handlers, so that a
 * snapshot does not carry every result so far.
 */
export interface TaskStepEntry {
  state: 'pending' | 'in_progress' | SettledStepState;
  attempts: number;
  budgetBase: number;
  error?: StepError;
  durationMs?: number;
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
  /** The operator behind the transition being recorded. */
  by?: string;
  reason?: string;
}

/** What the engine hands a task actor it creates for a stored task. */
export interface TaskMachineInput {
  taskId: string;
  stepNames: readonly string[];
}
