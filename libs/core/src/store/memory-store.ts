import type { AnnotationRecord, StepRecord, TaskRecord, TransitionRecord } from '../domain/records.js';
import { copyJson } from '../domain/copy-json.js';
import { applyPatch } from './apply-patch.js';
import type { ActivityFilter, TaskActivity } from './task-activity.js';
import { decodeTaskCursor, encodeTaskCursor, pageSize } from './task-cursor.js';
import type {
  CreateTaskResult,
  NewTask,
  StoredSnapshot,
  TaskFilter,
  TaskPage,
  TaskStore,
  TaskWrite,
} from './task-store.js';

interface StoredTask {
  task: TaskRecord;
  steps: Map<string, StepRecord>;
  transitions: TransitionRecord[];
  annotations: AnnotationRecord[];
  snapshot?: StoredSnapshot;
}

/** Records are JSON by contract: every record the store takes or gives is copied as a JSON round trip would. */
const clone = <T>(value: T): T => (value === undefined ? value : (copyJson(value) as T));

function matches(task: TaskRecord, filter: TaskFilter, annotations: AnnotationRecord[]): boolean {
  const states = filter.state === undefined ? undefined : ([] as string[]).concat(filter.state);
  return (
    (states === undefined || states.includes(task.state)) &&
    (filter.namespace === undefined || task.namespace === filter.namespace) &&
    (filter.name === undefined || task.name === filter.name) &&
    (filter.version === undefined || task.version === filter.version) &&
    (filter.correlationId === undefined || task.correlationId === filter.correlationId) &&
    (filter.createdFrom === undefined || task.createdAt >= filter.createdFrom) &&
    (filter.createdTo === undefined || task.createdAt < filter.createdTo) &&
    (filter.annotationType === undefined || annotations.some((annotation) => annotation.type === filter.annotationType))
  );
}

function inActivityWindow(task: TaskRecord, filter: ActivityFilter): boolean {
  return (
    task.createdAt >= filter.createdFrom &&
    task.createdAt < filter.createdTo &&
    (filter.namespace === undefined || task.namespace === filter.namespace) &&
    (filter.name === undefined || task.name === filter.name) &&
    (filter.version === undefined || task.version === filter.version)
  );
}

const newestFirst = (a: TaskRecord, b: TaskRecord) =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * A {@link TaskStore} in process memory: the engine's default, for tests and for apps that need no durability
 * across processes. Two engines sharing one instance behave like one process restarting on a durable store.
 */
export class MemoryStore implements TaskStore {
  readonly #tasks = new Map<string, StoredTask>();
  readonly #idempotencyKeys = new Map<string, string>();

  async createTask(task: TaskRecord, steps: StepRecord[]): Promise<CreateTaskResult> {
    const key = task.idempotencyKey === undefined ? undefined : `${task.namespace}/${task.name}/${task.idempotencyKey}`;
    const existing = key === undefined ? undefined : this.#idempotencyKeys.get(key);
    if (existing !== undefined) return { task: clone(this.#tasks.get(existing)!.task), created: false };
    if (key !== undefined) this.#idempotencyKeys.set(key, task.id);
    this.#tasks.set(task.id, {
      task: clone(task),
      steps: new Map([...steps].sort((a, b) => a.position - b.position).map((step) => [step.name, clone(step)])),
      transitions: [],
      annotations: [],
    });
    return { task: clone(task), created: true };
  }

  async createTasks(requests: readonly NewTask[]): Promise<CreateTaskResult[]> {
    const results: CreateTaskResult[] = [];
    for (const { task, steps } of requests) results.push(await this.createTask(task, steps));
    return results;
  }

  async commit(writes: readonly TaskWrite[]): Promise<void> {
    const missing = writes.find((write) => !this.#tasks.has(write.taskId));
    if (missing) throw new Error(`MemoryStore: no task ${missing.taskId} to write to`);
    // Writes are not copied: the engine never changes a write once it is queued, and every read copies.
    for (const write of writes) {
      const stored = this.#tasks.get(write.taskId)!;
      if (write.task) applyPatch(stored.task, write.task);
      for (const patch of write.steps ?? []) {
        const step = stored.steps.get(patch.name);
        if (step) applyPatch(step, patch);
      }
      if (write.transitions) stored.transitions.push(...write.transitions);
      if (write.annotations) stored.annotations.push(...write.annotations);
      if (write.snapshot) stored.snapshot = write.snapshot;
    }
  }

  async getTask(taskId: string): Promise<TaskRecord | undefined> {
    const stored = this.#tasks.get(taskId);
    return stored && clone(stored.task);
  }

  async getSteps(taskId: string): Promise<StepRecord[]> {
    return clone([...(this.#tasks.get(taskId)?.steps.values() ?? [])]);
  }

  async getTransitions(taskId: string): Promise<TransitionRecord[]> {
    return clone(this.#tasks.get(taskId)?.transitions ?? []);
  }

  async getAnnotations(taskId: string): Promise<AnnotationRecord[]> {
    return clone(this.#tasks.get(taskId)?.annotations ?? []);
  }

  async getSnapshot(taskId: string): Promise<StoredSnapshot | undefined> {
    const snapshot = this.#tasks.get(taskId)?.snapshot;
    return snapshot && clone(snapshot);
  }

  async listTasks(filter: TaskFilter = {}): Promise<TaskPage> {
    const limit = pageSize(filter.limit);
    const after = filter.cursor === undefined ? undefined : decodeTaskCursor(filter.cursor);
    const found = [...this.#tasks.values()]
      .filter((stored) => matches(stored.task, filter, stored.annotations))
      .map((stored) => stored.task)
      .sort(newestFirst)
      .filter(
        (task) =>
          !after || task.createdAt < after.createdAt || (task.createdAt === after.createdAt && task.id < after.id),
      );
    const tasks = clone(found.slice(0, limit));
    const last = tasks.at(-1);
    return found.length > limit && last ? { tasks, nextCursor: encodeTaskCursor(last) } : { tasks };
  }

  async listActivity(filter: ActivityFilter): Promise<TaskActivity[]> {
    const found = [...this.#tasks.values()]
      .filter(({ task }) => inActivityWindow(task, filter))
      .sort((a, b) => -newestFirst(a.task, b.task));
    return clone(
      found.map((stored) => ({
        task: stored.task,
        steps: [...stored.steps.values()],
        failures: stored.transitions.filter((transition) => transition.error !== undefined),
      })),
    );
  }

  async listUnfinishedTaskIds(): Promise<string[]> {
    return [...this.#tasks.values()]
      .map((stored) => stored.task)
      .filter((task) => task.state === 'pending' || task.state === 'in_progress')
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((task) => task.id);
  }

  async close(): Promise<void> {}
}

/**
 * The in-memory store.
 *
 * @example
 * const store = createMemoryStore();
 * const first = createEngine({ store });
 * // ... later, the same tasks resume in another engine:
 * const second = createEngine({ store });
 */
export function createMemoryStore(): MemoryStore {
  return new MemoryStore();
}
