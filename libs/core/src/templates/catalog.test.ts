import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine/create-engine.js';
import { TaskHandler } from '../handlers/task-handler.js';

class Hooks extends TaskHandler {}

describe("an engine's catalog", () => {
  const engine = createEngine()
    .registerHandler('work', () => null)
    .registerHandler('hooks', Hooks)
    .registerTemplate({ namespace: 'shop', name: 'order', version: '1.0.0', steps: [{ name: 'a', handler: 'work' }] })
    .registerTemplate({
      namespace: 'shop',
      name: 'order',
      version: '1.2.0',
      taskHandler: 'hooks',
      steps: [{ name: 'a', handler: 'work' }],
    });

  it('lists every registered template and resolves the latest version when none is named', () => {
    expect(engine.catalog.listTemplates().map((template) => template.version)).toEqual(['1.0.0', '1.2.0']);
    expect(engine.catalog.resolveTemplate('shop', 'order').version).toBe('1.2.0');
    expect(engine.catalog.resolveTemplate('shop', 'order', '1.0.0').version).toBe('1.0.0');
    expect(() => engine.catalog.resolveTemplate('shop', 'refund')).toThrow('No template shop/refund is registered');
  });

  it('lists the handlers with their kind, and tells the kind of one name', () => {
    expect(engine.catalog.listHandlers()).toEqual([
      { name: 'hooks', kind: 'task' },
      { name: 'work', kind: 'step' },
    ]);
    expect(engine.catalog.kindOf('hooks')).toBe('task');
    expect(engine.catalog.kindOf('missing')).toBeUndefined();
  });

  it('offers no way to register around the engine', () => {
    expect(Object.keys(engine.catalog).sort()).toEqual([
      'canCompensate',
      'kindOf',
      'listHandlers',
      'listTemplates',
      'resolveTemplate',
    ]);
  });
});
