import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TaskStore } from '@tasker/core';
import type { StoreTarget } from './store-target.js';

const WORKER = fileURLToPath(new URL('./crash-worker.ts', import.meta.url));

/** One crash worker process, and a promise of its exit. */
export interface Worker {
  process: ChildProcess;
  exited: Promise<number | null>;
  /** Resolves once the worker says it is running tasks. */
  running: Promise<void>;
}

/** What a crash worker process does (see crash-worker.ts). */
export interface WorkerOptions {
  target: StoreTarget;
  /** Where it logs every handler run. */
  executionLog: string;
  /** Its lease owner name: a restart under the same id takes its tasks back at once. */
  workerId: string;
  /** Tasks it creates before it starts working. */
  create?: number;
  /** Its lease length (the engine's default when absent); it polls four times per lease. */
  leaseMs?: number;
  faultRate?: number;
  /** Whether the checkout's last step fails for good, so that every task compensates (see `registerCheckout`). */
  undo?: boolean;
  /** Runs `chaos/waiting` (a sleep of this many ms, then a signal step; see `registerWaiting`) instead of the checkout. */
  waitingSleepMs?: number;
  /** Runs `chaos/mapping` (one map step over this many items; see `registerMapping`) instead of the checkout. */
  mapItems?: number;
}

/** Starts a crash worker process. */
export function startWorker(options: WorkerOptions): Worker {
  const args = ['--conditions=@tasker/source', '--import', 'tsx', WORKER, JSON.stringify(options)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const running = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('running') && resolve());
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it ran`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, exited, running };
}

/** One handler run, as a worker logged it. */
export interface HandlerRun {
  taskId: string;
  step: string;
  attempt: number;
  workerId: string;
  at: number;
}

/** The handler runs of an execution log, in order. */
export function handlerRuns(executionLog: string): HandlerRun[] {
  if (!existsSync(executionLog)) return [];
  return readFileSync(executionLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [taskId, step, attempt, workerId, at] = line.split(' ');
      return { taskId: taskId!, step: step!, attempt: Number(attempt), workerId: workerId!, at: Number(at) };
    });
}

/** Lines of an execution log as `taskId step` keys. */
export function executedSteps(executionLog: string): string[] {
  return handlerRuns(executionLog).map((run) => `${run.taskId} ${run.step}`);
}

/** `taskId step` of every step the store holds as completed. */
export async function completedSteps(store: TaskStore): Promise<Set<string>> {
  const completed = new Set<string>();
  for (const taskId of await allTaskIds(store)) {
    for (const step of await store.getSteps(taskId)) {
      if (step.state === 'completed') completed.add(`${taskId} ${step.name}`);
    }
  }
  return completed;
}

/** Every task id of the store. */
export async function allTaskIds(store: TaskStore): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listTasks({ limit: 500, ...(cursor ? { cursor } : {}) });
    ids.push(...page.tasks.map((task) => task.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}
