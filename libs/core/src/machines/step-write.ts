import type { JsonValue } from '../domain/json.js';
import type { StepError, WaitingFor } from '../domain/records.js';
import type { StepState } from '../domain/states.js';
import type { StepPatch, TaskWrite } from '../store/task-store.js';

/** The part of a step actor's context that its durable rows are made from. */
export interface StepFacts {
  taskId: string;
  name: string;
  /** The public state of the step's last durable transition. */
  state: StepState;
  attempts: number;
  budgetBase: number;
  startedAt?: number;
  runningSince?: number;
  retryAt?: number;
  /** What the step waits for while `waiting`. */
  waitingFor?: WaitingFor;
  /** While `throttled`: when the step asks for its slot or token again at the latest. */
  throttledUntil?: number;
  /** When the step's current wait began: a wait's timeout counts from it across wake-ups. */
  waitSince?: number;
  results?: JsonValue;
  error?: StepError;
  by?: string;
  reason?: string;
}

function patchFor(facts: StepFacts, to: StepState, now: number): StepPatch {
  const durationMs = facts.runningSince === undefined ? undefined : now - facts.runningSince;
  switch (to) {
    case 'in_progress':
      return {
        name: facts.name,
        state: to,
        attempts: facts.attempts,
        budgetBase: facts.budgetBase,
        startedAt: facts.startedAt,
        nextRetryAt: undefined,
        waitingFor: undefined,
      };
    case 'waiting':
      return { name: facts.name, state: to, waitingFor: facts.waitingFor, nextRetryAt: facts.waitingFor?.until };
    case 'throttled':
      return { name: facts.name, state: to, nextRetryAt: facts.throttledUntil };
    case 'waiting_for_retry':
      return { name: facts.name, state: to, error: facts.error, durationMs, nextRetryAt: facts.retryAt };
    case 'completed':
      return { name: facts.name, state: to, results: facts.results, error: undefined, durationMs, completedAt: now };
    case 'failed':
      // A step failed by its task's deadline may have been waiting.
      return {
        name: facts.name,
        state: to,
        error: facts.error,
        durationMs,
        nextRetryAt: undefined,
        waitingFor: undefined,
        completedAt: now,
      };
    case 'cancelled':
      return { name: facts.name, state: to, nextRetryAt: undefined, waitingFor: undefined, completedAt: now };
    case 'resolved_manually':
      return {
        name: facts.name,
        state: to,
        results: facts.results,
        nextRetryAt: undefined,
        waitingFor: undefined,
        completedAt: now,
      };
    case 'skipped':
      return { name: facts.name, state: to, completedAt: now };
    case 'compensating':
      return { name: facts.name, state: to, nextRetryAt: undefined };
    case 'compensated':
      return { name: facts.name, state: to, durationMs, completedAt: now };
    case 'compensation_failed':
      return { name: facts.name, state: to, error: facts.error, durationMs, completedAt: now };
    case 'pending':
      return {
        name: facts.name,
        state: to,
        budgetBase: facts.budgetBase,
        error: undefined,
        results: undefined,
        completedAt: undefined,
        nextRetryAt: undefined,
      };
  }
}

/** The durable write of a step moving from `facts.state` to `to`: its row's new fields and one history entry. */
export function stepWrite(facts: StepFacts, to: StepState, now: number): TaskWrite {
  const failing = to === 'failed' || to === 'waiting_for_retry' || to === 'compensation_failed';
  return {
    taskId: facts.taskId,
    steps: [patchFor(facts, to, now)],
    transitions: [
      {
        taskId: facts.taskId,
        stepName: facts.name,
        from: facts.state,
        to,
        attempt: facts.attempts,
        ...(failing && facts.error ? { error: facts.error } : {}),
        by: facts.by ?? 'engine',
        ...(facts.reason === undefined ? {} : { reason: facts.reason }),
        at: now,
      },
    ],
  };
}
