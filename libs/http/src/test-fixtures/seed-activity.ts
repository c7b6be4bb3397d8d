import type { StepError, StepState, TaskState, TaskStore, TransitionRecord } from '@tasker/core';
import { sampleSteps, sampleTask } from '@tasker/core/testing';

/** One step of a seeded task: its outcome and the errors of its failed attempts. */
export interface SeededStep {
  name: 'validate_cart' | 'process_payment';
  state: StepState;
  attempts: number;
  durationMs?: number;
  errors?: string[];
}

/** A task stored with known times, so that analytics have exact answers. */
export interface SeededTask {
  namespace?: string;
  name?: string;
  version?: string;
  createdAt: number;
  state: TaskState;
  /** From start to completion; the task starts when it is created. */
  durationMs?: number;
  steps?: SeededStep[];
}

const ERROR_CODES: Record<string, string> = {
  'Gateway timeout': 'RETRYABLE_ERROR',
  'Card declined': 'PERMANENT_ERROR',
};

function stepError(message: string): StepError {
  return { message, code: ERROR_CODES[message] ?? 'HANDLER_ERROR', name: 'Error' };
}

/** Stores `seeded` as the engine would have left it: rows, step outcomes and failed attempts in the history. */
export async function seedTask(store: TaskStore, seeded: SeededTask): Promise<string> {
  const task = sampleTask({
    namespace: seeded.namespace ?? 'ecommerce',
    name: seeded.name ?? 'process_order',
    version: seeded.version ?? '1.0.0',
    createdAt: seeded.createdAt,
    updatedAt: seeded.createdAt,
  });
  await store.createTask(task, sampleSteps(task.id));
  const transitions: TransitionRecord[] = (seeded.steps ?? []).flatMap((step) =>
    (step.errors ?? []).map((message, index) => ({
      taskId: task.id,
      stepName: step.name,
      from: 'in_progress' as const,
      to: 'waiting_for_retry' as const,
      attempt: index + 1,
      error: stepError(message),
      by: 'engine',
      at: seeded.createdAt + index,
    })),
  );
  await store.commit([
    {
      taskId: task.id,
      task: {
        state: seeded.state,
        startedAt: seeded.createdAt,
        ...(seeded.durationMs === undefined ? {} : { completedAt: seeded.createdAt + seeded.durationMs }),
      },
      steps: (seeded.steps ?? []).map((step) => ({
        name: step.name,
        state: step.state,
        attempts: step.attempts,
        ...(step.durationMs === undefined ? {} : { durationMs: step.durationMs }),
      })),
      transitions,
    },
  ]);
  return task.id;
}
