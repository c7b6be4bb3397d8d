import type { PromiseActorLogic } from 'xstate';
import type { JsonValue } from '../domain/json.js';
import type { TaskWrite } from '../store/task-store.js';
import type { TaskDefinition } from './task-definition.js';

/** What the attempt actor needs to run one attempt of a step's handler. */
export interface AttemptInput {
  taskId: string;
  stepName: string;
  attempt: number;
}

/**
 * What the machines need from the engine that runs them. Keeping it in one seam keeps the machines free of I/O:
 * they describe the lifecycle, the engine does the work.
 */
export interface MachineEnvironment {
  /** The engine clock's time. */
  now(): number;
  /** A number in [0, 1) for backoff jitter. */
  random(): number;
  /**
   * Makes `write` durable (group-committed with other tasks' writes, the task's snapshot attached) and emits its
   * events once it is. The machines do not wait: writes of a task commit in order, and {@link attempt} waits for
   * its start's commit before running the handler.
   */
  record(write: TaskWrite): void;
  /** The fixed steps and settings of a task the engine runs. */
  definition(taskId: string): TaskDefinition;
  /** Runs one attempt of a step's handler, once its start is durable; resolves with the step's JSON result. */
  attempt: PromiseActorLogic<JsonValue, AttemptInput>;
}
