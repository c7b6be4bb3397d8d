import type { TaskTemplate } from '@tasker/core';

/** What a benchmark worker process tells its parent. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'attempt'; taskId: string; at: number }
  | { type: 'drained'; startedAt: number; finishedAt: number; steps: number };

const STEPS = ['validate_cart', 'process_payment', 'update_inventory', 'create_order', 'send_confirmation'];

/** The seed's checkout as a five-step chain of one handler, `work`. */
export const BENCH_TEMPLATE: TaskTemplate = {
  namespace: 'bench',
  name: 'workers',
  version: '1.0.0',
  steps: STEPS.map((name, index) => ({
    name,
    handler: 'work',
    ...(index > 0 ? { dependsOn: [STEPS[index - 1]!] } : {}),
  })),
};
