import { NotFoundError, compareVersions, templateKey, type TaskTemplate } from '@tasker/core';
import { templateGraph } from '@tasker/template';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { shortText } from '../schemas/common-schemas.js';
import type { RouteContext } from './route-context.js';

const tags = ['templates'];

const namespaceParams = z.object({ namespace: shortText });
const templateParams = namespaceParams.extend({ name: shortText });

/** Newest version first. */
const newestFirst = (a: string, b: string) => compareVersions(b, a);

/** Registered templates and handlers, grouped by namespace; with the dependency graph of one template. */
export const templatesRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, context) => {
  const { engine } = context;
  const visibleTemplates = (request: Parameters<RouteContext['principal']>[0]) => {
    const principal = context.principal(request);
    return engine.catalog.listTemplates().filter((template) => principal.sees(template.namespace));
  };
  const templatesOf = (namespace: string) => {
    const found = engine.catalog.listTemplates().filter((template) => template.namespace === namespace);
    if (found.length === 0)
      throw new NotFoundError('TEMPLATE_NOT_FOUND', `No template is registered in namespace '${namespace}'`);
    return found;
  };

  app.get(
    '/namespaces',
    { onRequest: context.guard('templates:read'), schema: { tags, summary: 'Namespaces with registered templates' } },
    async (request) => {
      const counts = new Map<string, Set<string>>();
      for (const template of visibleTemplates(request)) {
        counts.set(template.namespace, (counts.get(template.namespace) ?? new Set()).add(template.name));
      }
      return {
        namespaces: [...counts]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, templates]) => ({ name, template_count: templates.size })),
      };
    },
  );

  app.get(
    '/namespaces/:namespace/templates',
    {
      onRequest: context.guard('templates:read'),
      schema: { tags, summary: 'Templates of a namespace with their versions', params: namespaceParams },
    },
    async (request) => {
      const { namespace } = request.params;
      context.principal(request).requireNamespace(namespace);
      const byName = new Map<string, TaskTemplate[]>();
      for (const template of templatesOf(namespace))
        byName.set(template.name, [...(byName.get(template.name) ?? []), template]);
      return {
        namespace,
        templates: [...byName]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, versions]) => {
            const sorted = versions.sort((a, b) => newestFirst(a.version, b.version));
            return {
              name,
              description: sorted[0]!.description ?? null,
              latest_version: sorted[0]!.version,
              versions: sorted.map((template) => template.version),
            };
          }),
      };
    },
  );

  app.get(
    '/namespaces/:namespace/templates/:name',
    {
      onRequest: context.guard('templates:read'),
      schema: {
        tags,
        summary: 'One template (the latest version unless `version` is given): steps, dependency graph, context schema',
        params: templateParams,
        querystring: z.strictObject({ version: shortText.optional() }),
      },
    },
    async (request) => {
      const { namespace, name } = request.params;
      context.principal(request).requireNamespace(namespace);
      const template = engine.catalog.resolveTemplate(namespace, name, request.query.version);
      const graph = templateGraph(template);
      return {
        namespace,
        name,
        version: template.version,
        key: templateKey(template),
        description: template.description ?? null,
        task_handler: template.taskHandler ?? null,
        versions: templatesOf(namespace)
          .filter((candidate) => candidate.name === name)
          .map((candidate) => candidate.version)
          .sort(newestFirst),
        context_schema: template.contextSchema ?? null,
        steps: template.steps.map((step) => ({
          name: step.name,
          handler: step.handler,
          description: step.description ?? null,
          depends_on: step.dependsOn ?? [],
          retryable: step.retryable ?? null,
          retry_limit: step.retryLimit ?? null,
          timeout_ms: step.timeoutMs ?? null,
          skippable: step.skippable ?? false,
          compensate: step.compensate
            ? {
                handler: step.compensate.handler,
                retry_limit: step.compensate.retryLimit ?? null,
                timeout_ms: step.compensate.timeoutMs ?? null,
              }
            : null,
        })),
        dependency_graph: {
          nodes: graph.nodes.map((node) => ({ name: node.name, handler: node.handler, weight: node.weight })),
          edges: graph.edges,
          levels: graph.levels,
          critical_path: graph.criticalPath,
        },
      };
    },
  );

  app.get(
    '/handlers',
    {
      onRequest: context.guard('templates:read'),
      schema: { tags, summary: 'Registered handlers and the templates that use them' },
    },
    async (request) => {
      const usedBy = new Map<string, string[]>();
      for (const template of visibleTemplates(request)) {
        const names = [
          template.taskHandler,
          ...template.steps.flatMap((step) => [step.handler, step.compensate?.handler]),
        ];
        for (const handler of new Set(names)) {
          if (handler !== undefined) usedBy.set(handler, [...(usedBy.get(handler) ?? []), templateKey(template)]);
        }
      }
      const unrestricted = context.principal(request).namespaces === '*';
      return {
        handlers: engine.catalog
          .listHandlers()
          .filter((handler) => unrestricted || usedBy.has(handler.name))
          .map((handler) => ({ name: handler.name, kind: handler.kind, used_by: usedBy.get(handler.name) ?? [] })),
      };
    },
  );
};
