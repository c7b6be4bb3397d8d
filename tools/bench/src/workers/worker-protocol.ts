import type { TaskTemplate } from '@tasker/core';
import { checkoutChain } from '../workloads.js';

/** What a benchmark worker process tells its parent. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'attempt'; taskId: string; at: number }
  | { type: 'drained'; startedAt: number; finishedAt: number; steps: number; cpuMs: number };

/** The seed's checkout as a five-step chain (the `checkoutChain` workload) of one handler, `work`. */
export const BENCH_TEMPLATE: TaskTemplate = {
  namespace: 'bench',
  name: 'workers',
  version: '1.0.0',
  steps: checkoutChain.steps.map((step) => ({ ...step, handler: 'work' })),
};
