import type { TaskTemplate } from '../domain/template.js';
import type { HandlerInfo, HandlerKind, HandlerKinds } from '../handlers/handler-kinds.js';
import type { HandlerRegistry } from '../handlers/handler-registry.js';
import type { TemplateRegistry } from './template-registry.js';

/**
 * What an engine can run, read-only: its registered templates and handlers. The REST API lists them and template
 * loaders check new templates against them; registering stays the engine's (`registerTemplate`,
 * `registerHandler`), which validates first.
 */
export interface Catalog extends HandlerKinds {
  /** Every registered template. */
  listTemplates(): TaskTemplate[];
  /**
   * The template a request names; the latest version (by the engine's version resolver) when `version` is absent.
   * @throws NotFoundError `TEMPLATE_NOT_FOUND`
   */
  resolveTemplate(namespace: string, name: string, version?: string): TaskTemplate;
  /** Registered handlers with their kind, sorted by name. */
  listHandlers(): HandlerInfo[];
}

/** The read-only view of an engine's registries. */
export function createCatalog(templates: TemplateRegistry, handlers: HandlerRegistry): Catalog {
  return {
    listTemplates: () => templates.list(),
    resolveTemplate: (namespace, name, version) => templates.resolve(namespace, name, version),
    listHandlers: () => handlers.list(),
    kindOf: (name): HandlerKind | undefined => handlers.kindOf(name),
    canCompensate: (name) => handlers.canCompensate(name),
  };
}
