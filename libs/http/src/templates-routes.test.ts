import { createMemoryStore } from '@tasker/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './test-fixtures/api-harness.js';

describe('templates and handlers over the REST API', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi(createMemoryStore());
    api.engine.registerTemplate({
      namespace: 'ecommerce',
      name: 'process_order',
      version: '1.1.0',
      steps: [{ name: 'validate_cart', handler: 'Ecommerce::StepHandlers::ValidateCartHandler' }],
    });
  });
  afterAll(async () => {
    await api.close();
  });
  const get = (url: string, claims = {}) => api.call({ method: 'GET', url }, claims);

  it('lists the namespaces a token sees, with how many templates each has', async () => {
    expect((await get('/tasker/namespaces')).json()).toEqual({
      namespaces: [
        { name: 'ecommerce', template_count: 1 },
        { name: 'payments', template_count: 1 },
      ],
    });
    expect((await get('/tasker/namespaces', { namespaces: ['payments'] })).json().namespaces).toEqual([
      { name: 'payments', template_count: 1 },
    ]);
  });

  it("lists a namespace's templates with their versions, newest first", async () => {
    expect((await get('/tasker/namespaces/ecommerce/templates')).json()).toEqual({
      namespace: 'ecommerce',
      templates: [
        {
          name: 'process_order',
          description: null,
          latest_version: '1.1.0',
          versions: ['1.1.0', '1.0.0'],
        },
      ],
    });
    const unknown = await get('/tasker/namespaces/nothing/templates');
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'TEMPLATE_NOT_FOUND']);
    expect((await get('/tasker/namespaces/ecommerce/templates', { namespaces: ['payments'] })).statusCode).toBe(403);
  });

  it('shows one version of a template with its dependency graph (nodes, edges, levels) and context schema', async () => {
    const answer = await get('/tasker/namespaces/ecommerce/templates/process_order?version=1.0.0');
    expect(answer.statusCode).toBe(200);
    const template = answer.json();
    expect(template).toMatchObject({
      namespace: 'ecommerce',
      name: 'process_order',
      version: '1.0.0',
      key: 'ecommerce/process_order@1.0.0',
      description: 'Reliable e-commerce checkout workflow with automatic retry and recovery',
      task_handler: 'Ecommerce::OrderProcessingHandler',
      versions: ['1.1.0', '1.0.0'],
    });
    expect(template.custom_events).toEqual([]);
    expect(template.context_schema.required).toEqual(['cart_items', 'payment_info', 'customer_info']);
    expect(template.steps[1]).toEqual({
      name: 'process_payment',
      handler: 'Ecommerce::StepHandlers::ProcessPaymentHandler',
      description: 'Charge payment method',
      depends_on: ['validate_cart'],
      dependent_system: null,
      retryable: true,
      retry_limit: 3,
      timeout_ms: 30_000,
      skippable: false,
      compensate: { handler: 'RefundPayment', retry_limit: 5, timeout_ms: 30_000 },
    });
    const chain = ['validate_cart', 'process_payment', 'update_inventory', 'create_order', 'send_confirmation'];
    expect(template.dependency_graph.levels).toEqual(chain.map((name) => [name]));
    expect(template.dependency_graph.edges).toEqual(chain.slice(1).map((to, at) => ({ from: chain[at], to })));
    expect(template.dependency_graph.nodes.map((node: { name: string }) => node.name)).toEqual(chain);
    expect(template.dependency_graph.critical_path.steps).toEqual(chain);

    expect((await get('/tasker/namespaces/ecommerce/templates/process_order')).json().version).toBe('1.1.0');
    const missing = await get('/tasker/namespaces/ecommerce/templates/process_order?version=9.9.9');
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, 'TEMPLATE_NOT_FOUND']);
  });

  it('lists handlers with the templates using them, only those of visible namespaces for a scoped token', async () => {
    const all = (await get('/tasker/handlers')).json().handlers;
    expect(all).toContainEqual({
      name: 'Ecommerce::StepHandlers::ValidateCartHandler',
      kind: 'step',
      used_by: ['ecommerce/process_order@1.0.0', 'ecommerce/process_order@1.1.0'],
    });
    expect(all).toContainEqual({
      name: 'Ecommerce::OrderProcessingHandler',
      kind: 'task',
      used_by: ['ecommerce/process_order@1.0.0'],
    });
    expect((await get('/tasker/handlers', { namespaces: ['payments'] })).json().handlers).toEqual([
      { name: 'Refund', kind: 'step', used_by: ['payments/process_refund@1.0.0'] },
    ]);
    expect((await get('/tasker/handlers', { permissions: ['tasks:read'] })).statusCode).toBe(403);
  });
});
