import { TaskerError } from '../errors/tasker-error.js';
import type { CompensationContext } from './compensation-context.js';
import { CompensationHandler, type CompensationHandlerFunction } from './compensation-handler.js';
import type { HandlerInfo, HandlerKind, HandlerKinds } from './handler-kinds.js';
import type { StepContext } from './step-context.js';
import { StepHandler, type StepHandlerFunction } from './step-handler.js';
import { TaskHandler } from './task-handler.js';

/**
 * What `registerHandler` accepts: a step handler (class, instance or function), a compensation handler (class or
 * instance; a function is {@link CompensationRegistration}) or a task handler (class or instance).
 */
export type HandlerRegistration =
  | StepHandler
  | (new () => StepHandler)
  | StepHandlerFunction
  | CompensationHandler
  | (new () => CompensationHandler)
  | TaskHandler
  | (new () => TaskHandler);

/**
 * A compensation handler written as a function. Kept apart from {@link HandlerRegistration} so that a step handler
 * function's `ctx` is still inferred as a `StepContext` (a union of two function types would leave it untyped).
 */
export type CompensationRegistration = CompensationHandlerFunction;

/** A step handler reduced to the one call the engine makes. */
export type StepProcess = (ctx: StepContext) => ReturnType<StepHandlerFunction>;

/** A compensation handler reduced to the one call the engine makes. */
export type CompensationProcess = (ctx: CompensationContext) => ReturnType<StepHandlerFunction>;

type Entry =
  | { kind: 'step'; process: StepProcess; plainFunction: boolean }
  | { kind: 'compensation'; compensate: CompensationProcess }
  | { kind: 'task'; handler: TaskHandler };

function isClass(value: unknown): value is new () => unknown {
  return typeof value === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

/** Resolves the handler names that templates use (YAML `handler_class`, `task_handler_class`) to code. */
export class HandlerRegistry implements HandlerKinds {
  readonly #entries = new Map<string, Entry>();

  /** @throws TaskerError `INVALID_HANDLER` when `handler` is neither kind of handler. */
  register(name: string, handler: HandlerRegistration | CompensationRegistration): void {
    this.#entries.set(name, toEntry(name, handler));
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  kindOf(name: string): HandlerKind | undefined {
    return this.#entries.get(name)?.kind;
  }

  stepHandler(name: string): StepProcess | undefined {
    const entry = this.#entries.get(name);
    return entry?.kind === 'step' ? entry.process : undefined;
  }

  canCompensate(name: string): boolean {
    const entry = this.#entries.get(name);
    return entry?.kind === 'compensation' || (entry?.kind === 'step' && entry.plainFunction);
  }

  compensationHandler(name: string): CompensationProcess | undefined {
    const entry = this.#entries.get(name);
    if (entry?.kind === 'compensation') return entry.compensate;
    // A plain function is called with whatever context the role it serves in gets.
    if (entry?.kind === 'step' && entry.plainFunction) return entry.process as unknown as CompensationProcess;
    return undefined;
  }

  taskHandler(name: string): TaskHandler | undefined {
    const entry = this.#entries.get(name);
    return entry?.kind === 'task' ? entry.handler : undefined;
  }

  /** Registered names with their kind, sorted by name. */
  list(): HandlerInfo[] {
    return [...this.#entries]
      .map(([name, entry]) => ({ name, kind: entry.kind }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}

function toEntry(name: string, handler: HandlerRegistration | CompensationRegistration): Entry {
  if (handler instanceof StepHandler)
    return { kind: 'step', process: (ctx) => handler.process(ctx), plainFunction: false };
  if (handler instanceof CompensationHandler)
    return { kind: 'compensation', compensate: (ctx) => handler.compensate(ctx) };
  if (handler instanceof TaskHandler) return { kind: 'task', handler };
  if (isClass(handler)) {
    if (handler.prototype instanceof StepHandler) return toEntry(name, new (handler as new () => StepHandler)());
    if (handler.prototype instanceof CompensationHandler)
      return toEntry(name, new (handler as new () => CompensationHandler)());
    if (handler.prototype instanceof TaskHandler) return toEntry(name, new (handler as new () => TaskHandler)());
    throw new TaskerError(
      'INVALID_HANDLER',
      `Handler '${name}' is a class that extends none of StepHandler, CompensationHandler and TaskHandler`,
    );
  }
  if (typeof handler === 'function')
    return { kind: 'step', process: handler as StepHandlerFunction, plainFunction: true };
  throw new TaskerError(
    'INVALID_HANDLER',
    `Handler '${name}' is not a function, StepHandler, CompensationHandler or TaskHandler`,
  );
}
