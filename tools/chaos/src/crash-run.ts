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

/** Starts a crash worker on `target` that logs every handler run to `executionLog`. */
export function startWorker(target: StoreTarget, executionLog: string, create?: number): Worker {
  const args = ['--conditions=@tasker/source', '--import', 'tsx', WORKER, JSON.stringify(target), executionLog];
  if (create !== undefined) args.push('--create', String(create));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const running = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('running') && resolve());
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it ran`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, exited, running };
}

/** Lines of an execution log as `taskId step` keys. */
export function executedSteps(executionLog: string): string[] {
  if (!existsSync(executionLog)) return [];
  return readFileSync(executionLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ').slice(0, 2).join(' '));
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
