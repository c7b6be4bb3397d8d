/**
 * The kinds of handler a template names: a step's `handler`, a step's `compensate.handler` or the template's
 * `taskHandler`.
 */
export type HandlerKind = 'step' | 'compensation' | 'task';

/** A registered handler's name and kind. */
export interface HandlerInfo {
  name: string;
  kind: HandlerKind;
}

/** What checking a template needs to know of the handlers: the kind each name is registered as. */
export interface HandlerKinds {
  /** The kind `name` is registered as; `undefined` when it is not registered. A plain function is a `step` handler. */
  kindOf(name: string): HandlerKind | undefined;
  /**
   * Whether `name` may serve as a step's compensation: a `CompensationHandler`, or a plain function (which cannot
   * tell what it is written for, so it may serve as either).
   */
  canCompensate(name: string): boolean;
}
