import { describe, expect, test } from 'vitest';
import type { TaskTemplate } from '@tasker/core';
import { parseTemplate, templateGraph } from '../index.js';
import { SEED_YAML } from '../test-fixtures/seed.js';

const diamond: TaskTemplate = {
  namespace: 'data',
  name: 'nightly',
  version: '1.0.0',
  steps: [
    { name: 'extract', handler: 'Extract' },
    { name: 'orders', handler: 'Orders', dependsOn: ['extract'], timeoutMs: 5_000 },
    { name: 'users', handler: 'Users', dependsOn: ['extract'], timeoutMs: 60_000 },
    { name: 'products', handler: 'Products', dependsOn: ['extract'] },
    { name: 'report', handler: 'Report', dependsOn: ['orders', 'users', 'products'] },
  ],
};

describe('templateGraph', () => {
  test("gives the seed's chain as nodes, edges, one step per level and the whole chain as critical path", () => {
    const graph = templateGraph(parseTemplate(SEED_YAML, { env: 'test' }));

    expect(graph.nodes.map((node) => [node.name, node.weight])).toEqual([
      ['validate_cart', 1],
      ['process_payment', 30_000],
      ['update_inventory', 1],
      ['create_order', 1],
      ['send_confirmation', 1],
    ]);
    expect(graph.edges).toEqual([
      { from: 'validate_cart', to: 'process_payment' },
      { from: 'process_payment', to: 'update_inventory' },
      { from: 'update_inventory', to: 'create_order' },
      { from: 'create_order', to: 'send_confirmation' },
    ]);
    expect(graph.levels).toEqual([
      ['validate_cart'],
      ['process_payment'],
      ['update_inventory'],
      ['create_order'],
      ['send_confirmation'],
    ]);
    expect(graph.criticalPath).toEqual({
      steps: ['validate_cart', 'process_payment', 'update_inventory', 'create_order', 'send_confirmation'],
      weight: 30_004,
    });
  });

  test('parallel branches share a level and the critical path follows the branch with the longest timeout', () => {
    const graph = templateGraph(diamond);

    expect(graph.levels).toEqual([['extract'], ['orders', 'users', 'products'], ['report']]);
    expect(graph.criticalPath).toEqual({ steps: ['extract', 'users', 'report'], weight: 60_002 });
  });

  test('the weight of a step can be chosen, e.g. expected durations', () => {
    const expected: Record<string, number> = { extract: 10, orders: 200, users: 50, products: 120, report: 5 };

    const graph = templateGraph(diamond, { weight: (step) => expected[step.name] ?? 0 });

    expect(graph.criticalPath).toEqual({ steps: ['extract', 'orders', 'report'], weight: 215 });
  });

  test('a cyclic template has no graph to show', () => {
    const cyclic: TaskTemplate = {
      ...diamond,
      steps: [
        { name: 'a', handler: 'A', dependsOn: ['b'] },
        { name: 'b', handler: 'B', dependsOn: ['a'] },
      ],
    };

    expect(() => templateGraph(cyclic)).toThrow('Template data/nightly@1.0.0 has a dependency cycle: a -> b -> a');
  });
});
