import { describe, expect, it } from 'vitest';
import { layoutDag, NODE_WIDTH } from './dag-layout.js';

describe('layoutDag', () => {
  it('places each step right of the steps it depends on and routes one edge per dependency', () => {
    const layout = layoutDag([
      { name: 'validate_cart', dependsOn: [] },
      { name: 'process_payment', dependsOn: ['validate_cart'] },
      { name: 'update_inventory', dependsOn: ['validate_cart'] },
      { name: 'create_order', dependsOn: ['process_payment', 'update_inventory'] },
    ]);
    const x = Object.fromEntries(layout.nodes.map((node) => [node.name, node.x]));
    expect(x['process_payment']!).toBeGreaterThanOrEqual(x['validate_cart']! + NODE_WIDTH);
    expect(x['create_order']!).toBeGreaterThanOrEqual(x['update_inventory']! + NODE_WIDTH);
    expect(layout.edges.map((edge) => `${edge.from}>${edge.to}`).sort()).toEqual([
      'process_payment>create_order',
      'update_inventory>create_order',
      'validate_cart>process_payment',
      'validate_cart>update_inventory',
    ]);
    expect(layout.edges.every((edge) => edge.points.length >= 2)).toBe(true);
    expect(layout.width).toBeGreaterThan(3 * NODE_WIDTH);
  });
});
