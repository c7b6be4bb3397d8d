/** The two kinds of handler a template names: a step's `handler` or the template's `taskHandler`. */
export type HandlerKind = 'step' | 'task';

/** A registered handler's name and kind. */
export interface HandlerInfo {
  name: string;
  kind: HandlerKind;
}

/** What checking a template needs to know of the handlers: the kind each name is registered as. */
export interface HandlerKinds {
  /** The kind `name` is registered as; `undefined` when it is not registered. */
  kindOf(name: string): HandlerKind | undefined;
}
