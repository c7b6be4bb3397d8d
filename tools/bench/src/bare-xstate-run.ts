import { createActor, enqueueActions, fromPromise, sendParent, setup } from 'xstate';
import { drive, type RunFigures } from './measure.js';
import type { Workload } from './workloads.js';

interface BareTaskContext {
  steps: Workload['steps'];
  done: string[];
  running: string[];
}

const bareStep = setup({
  types: {} as { context: { name: string }; input: { name: string } },
  actors: { work: fromPromise(async () => null) },
}).createMachine({
  context: ({ input }) => ({ name: input.name }),
  initial: 'running',
  states: {
    running: { invoke: { src: 'work', onDone: 'done' } },
    done: { type: 'final', entry: sendParent(({ context }) => ({ type: 'STEP_DONE', name: context.name })) },
  },
});

/**
 * The same workload as bare XState actors, without the engine: a task machine that spawns a step machine per
 * ready step, each invoking a no-op promise. No persistence, no events, no bookkeeping: the floor the engine's
 * overhead is measured against.
 */
const bareTask = setup({
  types: {} as {
    context: BareTaskContext;
    input: { steps: Workload['steps'] };
    events: { type: 'STEP_DONE'; name: string };
  },
  actors: { step: bareStep },
  actions: {
    startReady: enqueueActions(({ context, enqueue }) => {
      const ready = context.steps.filter(
        (step) =>
          !context.done.includes(step.name) &&
          !context.running.includes(step.name) &&
          step.dependsOn.every((dependency) => context.done.includes(dependency)),
      );
      for (const step of ready) enqueue.spawnChild('step', { id: step.name, input: { name: step.name } });
      enqueue.assign({ running: [...context.running, ...ready.map((step) => step.name)] });
    }),
    finishStep: enqueueActions(({ context, event, enqueue }) => {
      enqueue.assign({
        done: [...context.done, event.name],
        running: context.running.filter((name) => name !== event.name),
      });
      enqueue.stopChild(event.name);
    }),
  },
}).createMachine({
  context: ({ input }) => ({ steps: input.steps, done: [], running: [] }),
  initial: 'running',
  states: {
    running: {
      entry: 'startReady',
      always: { guard: ({ context }) => context.done.length === context.steps.length, target: 'done' },
      on: { STEP_DONE: { actions: ['finishStep', 'startReady'] } },
    },
    done: { type: 'final' },
  },
});

export async function runOnBareXState(workload: Workload, count: number, concurrency: number): Promise<RunFigures> {
  return drive(
    count,
    concurrency,
    workload.steps.length,
    () =>
      new Promise<void>((resolve) => {
        const actor = createActor(bareTask, { input: { steps: workload.steps } });
        actor.subscribe({ complete: () => resolve() });
        actor.start();
      }),
  );
}
