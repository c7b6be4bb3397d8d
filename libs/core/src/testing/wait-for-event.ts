import type { EventOf, EventPattern } from '../domain/events.js';
import type { Engine } from '../engine/engine.js';

/**
 * Resolves with the next event matching `pattern` (and `where`, when given). Subscribe before causing the event.
 *
 * @example
 * const scheduled = waitForEvent(engine, 'step.retry_scheduled', (event) => event.stepName === 'charge');
 * await engine.runTask(request);
 * clock.increment((await scheduled).nextRetryAt! - clock.now());
 */
export function waitForEvent<P extends EventPattern>(
  engine: Engine,
  pattern: P,
  where: (event: EventOf<P>) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<EventOf<P>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`No ${pattern} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = engine.on(pattern, (event) => {
      if (!where(event)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(event);
    });
  });
}

/** Records every event of an engine, in order, for assertions on sequences. */
export function recordEvents<P extends EventPattern = '*'>(engine: Engine, pattern?: P): Array<EventOf<P>> {
  const events: Array<EventOf<P>> = [];
  engine.on(pattern ?? ('*' as P), (event) => {
    events.push(event);
  });
  return events;
}
