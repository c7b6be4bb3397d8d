import { TaskerError } from '../errors/tasker-error.js';
import type { HandlerInfo, HandlerKind, HandlerKinds } from './handler-kinds.js';
import type { StepContext } from './step-context.js';
import { StepHandler, type StepHandlerFunction } from './step-handler.js';
import { TaskHandler } from './task-handler.js';

/** What `registerHandler` accepts: a step handler (class, instance or function) or a task handler (class or instance). */
export type HandlerRegistration =
  StepHandler | (new () => StepHandler) | StepHandlerFunction | TaskHandler | (new () => TaskHandler);

/** A step handler reduced to the one call the engine makes. */
export type StepProcess = (ctx: StepContext) => ReturnType<StepHandlerFunction>;

type Entry = { kind: 'step'; process: StepProcess } | { kind: 'task'; handler: TaskHandler };

function isClass(value: unknown): value is new () => unknown {
  return typeof value === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

/** Resolves the handler names that templates use (YAML `handler_class`, `task_handler_class`) to code. */
export class HandlerRegistry implements HandlerKinds {
  readonly #entries = new Map<string, Entry>();

  /** @throws TaskerError `INVALID_HANDLER` when `handler` is neither kind of handler. */
  register(name: string, handler: HandlerRegistration): void {
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

function toEntry(name: string, handler: HandlerRegistration): Entry {
  if (handler instanceof StepHandler) return { kind: 'step', process: (ctx) => handler.process(ctx) };
  if (handler instanceof TaskHandler) return { kind: 'task', handler };
  if (isClass(handler)) {
    if (handler.prototype instanceof StepHandler) return toEntry(name, new (handler as new () => StepHandler)());
    if (handler.prototype instanceof TaskHandler) return toEntry(name, new (handler as new () => TaskHandler)());
    throw new TaskerError(
      'INVALID_HANDLER',
      `Handler '${name}' is a class that extends neither StepHandler nor TaskHandler`,
    );
  }
  if (typeof handler === 'function') return { kind: 'step', process: handler as StepHandlerFunction };
  throw new TaskerError('INVALID_HANDLER', `Handler '${name}' is not a function, StepHandler or TaskHandler`);
}
