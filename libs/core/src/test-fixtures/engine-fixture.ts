import { SimulatedClock } from 'xstate';
import type { StepTemplate } from '../domain/template.js';
import { createEngine, type EngineOptions } from '../engine/create-engine.js';
import type { Engine } from '../engine/engine.js';
import type { CompensationRegistration, HandlerRegistration } from '../handlers/handler-registry.js';
import type { EngineEvent } from '../domain/events.js';
import type { JsonObject } from '../domain/json.js';
import { recordEvents } from '../testing/wait-for-event.js';

/** Exact backoff (no jitter) so tests can name every delay. */
export const EXACT_BACKOFF = { baseMs: 1_000, factor: 2, maxMs: 60_000, jitter: 0 };

export interface Fixture {
  engine: Engine;
  clock: SimulatedClock;
  events: EngineEvent[];
  /** Runs one task of the fixture's template and returns its id. */
  run(context?: JsonObject, extra?: { idempotencyKey?: string; bypassSteps?: string[] }): Promise<string>;
}

/**
 * A started engine on a simulated clock with one template `test/flow@1.0.0` of `steps`, and `handlers`
 * registered by name.
 */
export async function startFixture(
  steps: StepTemplate[],
  handlers: Record<string, HandlerRegistration>,
  options: EngineOptions & {
    maxParallelSteps?: number;
    /** Compensation handler functions, by name. */
    compensations?: Record<string, CompensationRegistration>;
    retryAfterCompensation?: boolean;
  } = {},
): Promise<Fixture> {
  const clock = options.clock instanceof SimulatedClock ? options.clock : new SimulatedClock();
  const engine = createEngine({ clock, defaults: { backoff: EXACT_BACKOFF }, ...options });
  for (const [name, handler] of Object.entries(handlers)) engine.registerHandler(name, handler);
  for (const [name, handler] of Object.entries(options.compensations ?? {})) engine.registerHandler(name, handler);
  engine.registerTemplate({
    namespace: 'test',
    name: 'flow',
    version: '1.0.0',
    steps,
    ...(options.maxParallelSteps ? { maxParallelSteps: options.maxParallelSteps } : {}),
    ...(options.retryAfterCompensation ? { retryAfterCompensation: true } : {}),
  });
  const events = recordEvents(engine);
  await engine.start();
  return {
    engine,
    clock,
    events,
    run: async (context = {}, extra = {}) =>
      (await engine.runTask({ namespace: 'test', name: 'flow', context, ...extra })).taskId,
  };
}

/** `a -> b -> c ...`: each step depends on the one before. */
export function chain(...names: string[]): StepTemplate[] {
  return names.map((name, index) => ({
    name,
    handler: name,
    ...(index > 0 ? { dependsOn: [names[index - 1]!] } : {}),
  }));
}

/** The step events of a task as `type:step` strings, in emission order. */
export function stepTrail(events: Fixture['events'], taskId: string): string[] {
  return events
    .filter((event) => event.taskId === taskId)
    .map((event) => ('stepName' in event ? `${event.type}:${event.stepName}` : event.type));
}
