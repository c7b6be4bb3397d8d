import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerPlan } from './worker-process.js';
import type { WorkerMessage } from './worker-protocol.js';

const WORKER = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

/** A forked benchmark worker: its process, the messages it sent, and a promise of its exit. */
export interface BenchWorker {
  process: ChildProcess;
  messages: WorkerMessage[];
  exited: Promise<number | null>;
}

/** Forks workers of `plans` and resolves once all of them have opened their store. */
export async function forkWorkers(plans: WorkerPlan[]): Promise<BenchWorker[]> {
  return Promise.all(
    plans.map(
      (plan) =>
        new Promise<BenchWorker>((resolve, reject) => {
          const child = fork(WORKER, [JSON.stringify(plan)], { execArgv: process.execArgv });
          const worker: BenchWorker = {
            process: child,
            messages: [],
            exited: new Promise((done) => child.once('exit', (code) => done(code))),
          };
          child.on('message', (message: WorkerMessage) => {
            worker.messages.push(message);
            if (message.type === 'ready') resolve(worker);
          });
          child.once('error', reject);
        }),
    ),
  );
}

/** Tells every worker to start working. */
export function go(workers: BenchWorker[]): void {
  for (const worker of workers) worker.process.send('go');
}
