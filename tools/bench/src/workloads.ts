import { CHECKOUT_STEPS } from '@tasker/chaos/checkout-shape';

/** A DAG shape to benchmark: step names with their dependencies, in template order. */
export interface Workload {
  name: string;
  steps: Array<{ name: string; dependsOn: string[] }>;
}

/** The seed's checkout as a five-step chain. */
export const checkoutChain: Workload = {
  name: 'five-step chain',
  steps: CHECKOUT_STEPS.map((name, index, names) => ({ name, dependsOn: index === 0 ? [] : [names[index - 1]!] })),
};

/** A diamond: one step, two parallel ones after it, one after both. */
export const diamond: Workload = {
  name: 'diamond',
  steps: [
    { name: 'top', dependsOn: [] },
    { name: 'left', dependsOn: ['top'] },
    { name: 'right', dependsOn: ['top'] },
    { name: 'bottom', dependsOn: ['left', 'right'] },
  ],
};

export const WORKLOADS = { chain: checkoutChain, diamond } as const;
export type WorkloadName = keyof typeof WORKLOADS;
