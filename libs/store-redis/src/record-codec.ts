import type { StepRecord, TaskRecord } from '@tasker/core';
import { stepField } from './redis-keys.js';

/** Hash fields that belong to the store, not to the record (`@member`). */
const META_FIELD = '@';

/** Fields the steps hash does not store because its key and field names carry them. */
const DERIVED_STEP_FIELDS = new Set(['taskId', 'name']);

/**
 * A record as a flat `[field, JSON value, ...]` list for HSET. Fields holding `undefined` are left out, so they read
 * back absent, as they were written.
 */
export function toHashFields(record: object): string[] {
  const fields: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (value !== undefined) fields.push(key, JSON.stringify(value));
  }
  return fields;
}

/** The steps-hash fields of one step, without the fields its key and field names already carry. */
export function stepHashFields(step: StepRecord): string[] {
  const fields: string[] = [];
  for (const [key, value] of Object.entries(step)) {
    if (value !== undefined && !DERIVED_STEP_FIELDS.has(key))
      fields.push(stepField(key, step.name), JSON.stringify(value));
  }
  return fields;
}

/** `[field, value, field, value]` (a Lua script's HGETALL) as entries. */
export function pairsOf(flat: readonly string[]): Array<[string, string]> {
  const entries: Array<[string, string]> = [];
  for (let index = 0; index + 1 < flat.length; index += 2) entries.push([flat[index]!, flat[index + 1]!]);
  return entries;
}

/** A task read back from its hash; `undefined` for a missing (empty) hash. */
export function taskFromHash(entries: Iterable<[string, string]>): TaskRecord | undefined {
  const task: Record<string, unknown> = {};
  let empty = true;
  for (const [field, value] of entries) {
    empty = false;
    if (!field.startsWith(META_FIELD)) task[field] = JSON.parse(value);
  }
  return empty ? undefined : (task as unknown as TaskRecord);
}

/** The steps of a task read back from its steps hash, in template order. */
export function stepsFromHash(taskId: string, entries: Iterable<[string, string]>): StepRecord[] {
  const steps = new Map<string, Record<string, unknown>>();
  for (const [field, value] of entries) {
    const separator = field.indexOf(':');
    const attribute = field.slice(0, separator);
    const name = field.slice(separator + 1);
    let step = steps.get(name);
    if (!step) steps.set(name, (step = { taskId, name }));
    step[attribute] = JSON.parse(value);
  }
  return ([...steps.values()] as unknown as StepRecord[]).sort((a, b) => a.position - b.position);
}

/** Entries of a JSON list (history, annotations) as fresh objects. */
export function parseJsonList<T>(items: readonly string[]): T[] {
  return items.map((item) => JSON.parse(item) as T);
}
