import { fileURLToPath } from 'node:url';
import { createEngine, PermanentError, type Engine, type StepContext, type TaskStore } from '@tasker/core';
import { loadTemplates, registerTemplates, semverResolver } from '@tasker/template';

/**
 * The templates the tests run: `demo/flow@1.2.0` (charge -> ship), `demo/hold@1.0.0` (one step that waits) and
 * `demo/approval@1.0.0` (one signal step, `approved`).
 */
export const TEMPLATES_DIR = fileURLToPath(new URL('./templates', import.meta.url));

/** A worker process as the tests model one: a started engine with the demo templates' handlers. */
export interface TestWorker {
  engine: Engine;
  /** Lets every held step finish and stops the engine. */
  stop(): Promise<void>;
}

/** Resolves when `signal` aborts, or when the test lets go of held steps. */
function held(signal: AbortSignal, release: Promise<void>): Promise<null> {
  return new Promise((resolve, reject) => {
    signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    void release.then(() => resolve(null));
  });
}

/**
 * Starts a worker on `store` (its own engine) with the demo templates and their handlers: `Demo::Charge` declines
 * a task whose context says `decline: true` the first time only (a retried or resolved task goes on), `Demo::Ship`
 * returns, `Demo::Mail` mails its item unless it is `nobody`, `Demo::Hold` waits until cancelled or stopped.
 */
export async function startWorker(store: TaskStore): Promise<TestWorker> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const declined = new Set<string>();
  const engine = createEngine({ store, pollIntervalMs: 50, resolveVersion: semverResolver })
    .registerHandler('Demo::Charge', (ctx: StepContext) => {
      if (ctx.task.context.decline === true && !declined.has(ctx.task.id)) {
        declined.add(ctx.task.id);
        throw new PermanentError('card declined');
      }
      return { charged: true };
    })
    .registerHandler('Demo::Ship', () => ({ shipped: true }))
    .registerHandler('Demo::Mail', (ctx: StepContext) => {
      if (ctx.item === 'nobody') throw new PermanentError('no such mailbox');
      return { mailed: ctx.item ?? null };
    })
    .registerHandler('Demo::Hold', (ctx: StepContext) => held(ctx.signal, released));
  registerTemplates(engine, await loadTemplates(TEMPLATES_DIR));
  await engine.start();
  return {
    engine,
    stop: async () => {
      release();
      await engine.stop({ gracePeriodMs: 1_000 });
    },
  };
}
