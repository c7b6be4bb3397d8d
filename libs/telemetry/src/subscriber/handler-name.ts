import type { EngineEventType } from '@tasker/core';

/** `resolved_manually` → `ResolvedManually`. */
type Pascal<S extends string> = S extends `${infer Head}_${infer Rest}`
  ? `${Capitalize<Head>}${Pascal<Rest>}`
  : Capitalize<S>;

/** The method that handles an event type: `step.failed` → `handleStepFailed`, as the seed's `handle_step_failed`. */
export type HandlerName<T extends EngineEventType> = T extends `${infer Kind}.${infer Move}`
  ? `handle${Pascal<Kind>}${Pascal<Move>}`
  : never;

/** {@link HandlerName} at run time. */
export function handlerName<T extends EngineEventType>(type: T): HandlerName<T> {
  const words = type.split(/[._]/).map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return `handle${words.join('')}` as HandlerName<T>;
}
