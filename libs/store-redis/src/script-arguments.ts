import type { StepRecord, TaskRecord, TaskWrite } from '@tasker/core';
import { indexMember } from './index-member.js';
import { idempotencySuffix, indexSuffix, stepField } from './redis-keys.js';
import { stepHashFields, toHashFields } from './record-codec.js';

/**
 * What the create-task script reads (as JSON). Values are JSON strings made here, so Lua never decodes user data.
 */
export interface NewTaskArgument {
  id: string;
  member: string;
  state: string;
  idempotency?: string;
  /** `idx:` suffixes of the indexes that never change for this task (namespace, name, version, correlation id). */
  indexes: string[];
  task: string[];
  steps: string[];
}

/** What the commit script reads for one write; empty parts are left out. */
export interface WriteArgument {
  id: string;
  set?: string[];
  clear?: string[];
  /** The new state, plain, when the write changes it: the script moves the task between state indexes. */
  state?: string;
  steps?: Array<{ name: string; set?: string[]; clear?: string[] }>;
  transitions?: string[];
  annotations?: string[];
  annotationTypes?: string[];
  snapshot?: string;
}

/** The create-task script's argument for a task and its steps. */
export function newTaskArgument(task: TaskRecord, steps: readonly StepRecord[]): string {
  const argument: NewTaskArgument = {
    id: task.id,
    member: indexMember(task.createdAt, task.id),
    state: task.state,
    indexes: [
      indexSuffix('namespace', task.namespace),
      indexSuffix('name', task.name),
      indexSuffix('version', task.version),
      indexSuffix('correlation', task.correlationId),
    ],
    task: toHashFields(task),
    steps: steps.flatMap(stepHashFields),
    ...(task.idempotencyKey === undefined ? {} : { idempotency: idempotencySuffix(task, task.idempotencyKey) }),
  };
  return JSON.stringify(argument);
}

/** Fields a patch sets (as `[field, JSON, ...]`) and clears (a key present with `undefined`). */
function splitPatch(patch: object, fieldName: (key: string) => string): { set?: string[]; clear?: string[] } {
  const set: string[] = [];
  const clear: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) clear.push(fieldName(key));
    else set.push(fieldName(key), JSON.stringify(value));
  }
  return { ...(set.length > 0 ? { set } : {}), ...(clear.length > 0 ? { clear } : {}) };
}

/** The commit script's argument for one write. */
export function writeArgument(write: TaskWrite): WriteArgument {
  const argument: WriteArgument = { id: write.taskId };
  if (write.task) {
    Object.assign(
      argument,
      splitPatch(write.task, (key) => key),
    );
    if (write.task.state !== undefined) argument.state = write.task.state;
  }
  if (write.steps?.length) {
    argument.steps = write.steps.map(({ name, ...patch }) => ({
      name,
      ...splitPatch(patch, (key) => stepField(key, name)),
    }));
  }
  if (write.transitions?.length)
    argument.transitions = write.transitions.map((transition) => JSON.stringify(transition));
  if (write.annotations?.length) {
    argument.annotations = write.annotations.map((annotation) => JSON.stringify(annotation));
    argument.annotationTypes = [...new Set(write.annotations.map((annotation) => annotation.type))];
  }
  if (write.snapshot) argument.snapshot = JSON.stringify(write.snapshot);
  return argument;
}
