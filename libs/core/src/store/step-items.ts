import type { StepError } from '../domain/records.js';
import type { JsonValue } from '../domain/json.js';

/** The states of one item of a map step: running, waiting for its next attempt, or settled. */
export const STEP_ITEM_STATES = ['in_progress', 'waiting_for_retry', 'completed', 'failed'] as const;
export type StepItemState = (typeof STEP_ITEM_STATES)[number];

/**
 * One item of a map step as the store keeps it: a row per item (`tasker_step_items` on SQL, a field of the step's
 * `items:<task>:<step>` hash on Redis), written whole, in the commit of the item's move (`TaskWrite.items`).
 */
export interface StepItemRecord {
  taskId: string;
  stepName: string;
  /** The item's position in the array the step maps over, from 0. */
  index: number;
  state: StepItemState;
  /** Attempts started so far, across runs of the step. */
  attempts: number;
  /** Attempts made when the item's current retry budget began (a new run of a failed step resets it). */
  budgetBase: number;
  /** The handler's result for this item, once `completed`. */
  results?: JsonValue;
  error?: StepError;
  updatedAt: number;
}

/** How many items of a map step are in each state; states no item is in are left out. */
export type StepItemCounts = Partial<Record<StepItemState, number>>;

/** Which items {@link StepItems.getStepItems} returns: `limit` items from position `offset`, in index order. */
export interface StepItemPage {
  offset?: number;
  limit?: number;
}

/**
 * The items of map steps, as their tasks' writes left them (written by `TaskLog.commit` from `TaskWrite.items`, fenced
 * and committed with the rest of the write).
 *
 * Promises: items come back in index order; a later write of an item replaces it whole; reads return copies.
 */
export interface StepItems {
  /** The items of step `stepName` of task `taskId` stored so far, in index order (all of them without a page). */
  getStepItems(taskId: string, stepName: string, page?: StepItemPage): Promise<StepItemRecord[]>;
  /** How many items of the step are in each state. */
  countStepItems(taskId: string, stepName: string): Promise<StepItemCounts>;
}
