import { InvalidRequestError } from '../errors/invalid-request-error.js';
import { FINISHED_TASK_STATES, type FinishedTaskState } from '../store/task-retention.js';
import { durationMs, type Duration } from './duration.js';

/**
 * How long finished tasks are kept, by the state they finished in, from their finish time (`EngineOptions.retention`,
 * a template's `retention`). A state left out is kept for ever, except `resolved_manually`, which follows
 * `completed` (a task resolved by hand is done); `compensation_failed` is kept for ever unless given, since such a
 * task waits for an operator. `false` keeps a state for ever explicitly (a template's way to opt out).
 */
export type RetentionAges = Partial<Record<FinishedTaskState, Duration | false>>;

/** Ages in ms by state, checked; a state absent is kept for ever. */
export type RetentionMs = Partial<Record<FinishedTaskState, number>>;

/**
 * The ages of `ages` in ms, with `resolved_manually` following `completed` unless given.
 * @throws InvalidRequestError naming `<field>.<state>` for a bad duration, and `field` for a key that is no finished state.
 */
export function retentionMs(field: string, ages: RetentionAges): RetentionMs {
  if (typeof ages !== 'object' || ages === null || Array.isArray(ages))
    throw new InvalidRequestError(field, 'must be an object of durations by finished state');
  const result: RetentionMs = {};
  for (const [state, age] of Object.entries(ages) as Array<[string, Duration | false | undefined]>) {
    if (!(FINISHED_TASK_STATES as readonly string[]).includes(state)) {
      throw new InvalidRequestError(
        `${field}.${state}`,
        `is no finished state; retention takes ${FINISHED_TASK_STATES.join(', ')}`,
      );
    }
    if (age !== undefined && age !== false) result[state as FinishedTaskState] = durationMs(`${field}.${state}`, age);
  }
  if (!('resolved_manually' in ages) && result.completed !== undefined) result.resolved_manually = result.completed;
  return result;
}

/** A template's ages over the engine's: every state the template names replaces the engine's for its tasks. */
export function overridden(engine: RetentionMs, template: RetentionAges | undefined, field: string): RetentionMs {
  if (template === undefined) return engine;
  const own = retentionMs(field, template);
  const merged: RetentionMs = { ...engine };
  for (const state of Object.keys(template) as FinishedTaskState[]) {
    if (own[state] === undefined) delete merged[state];
    else merged[state] = own[state];
  }
  if (!('resolved_manually' in template) && 'completed' in template) {
    if (own.completed === undefined) delete merged.resolved_manually;
    else merged.resolved_manually = own.completed;
  }
  return merged;
}
