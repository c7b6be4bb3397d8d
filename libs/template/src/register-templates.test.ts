import { describe, expect, test } from 'vitest';
import { StepHandler, TaskHandler, createEngine, templateKey, type Engine } from '@tasker/core';
import { parseTemplate, registerTemplates } from './index.js';
import { brief, issuesOf } from './test-fixtures/issues-of.js';
import { SEED_YAML, registerSeedHandlers } from './test-fixtures/seed.js';

class ValidateCartHandler extends StepHandler {
  process() {
    return { total: 0 };
  }
}

class OrderProcessingHandler extends TaskHandler {}

function seedEngine(): Engine {
  return registerSeedHandlers(
    createEngine(),
    { 'Ecommerce::StepHandlers::ValidateCartHandler': ValidateCartHandler },
    OrderProcessingHandler,
  );
}

const FILE = 'config/tasker/tasks/ecommerce/order_processing_handler.yaml';

describe('registerTemplates', () => {
  test('registers templates whose handlers are all registered', () => {
    const engine = seedEngine();

    registerTemplates(engine, [parseTemplate(SEED_YAML, { file: FILE, env: 'test' })]);

    expect(engine.catalog.listTemplates().map(templateKey)).toEqual(['ecommerce/process_order@1.0.0']);
  });

  test('an unknown handler_class is refused at registration, at the YAML line, with the name it is closest to', async () => {
    const engine = seedEngine();
    const text = SEED_YAML.replace('ProcessPaymentHandler', 'ProcessPaymentHandlr').replace(
      'CreateOrderHandler',
      'Orders::Create',
    );

    const issues = await issuesOf(() => registerTemplates(engine, [parseTemplate(text, { file: FILE, env: 'test' })]));

    expect(issues).toEqual([
      {
        file: FILE,
        line: 49,
        column: 20,
        path: 'step_templates[1].handler_class',
        code: 'UNKNOWN_HANDLER',
        message:
          "step 'process_payment' names handler 'Ecommerce::StepHandlers::ProcessPaymentHandlr', which is not registered as a step handler; did you mean 'Ecommerce::StepHandlers::ProcessPaymentHandler'?",
      },
      {
        file: FILE,
        line: 75,
        column: 20,
        path: 'step_templates[3].handler_class',
        code: 'UNKNOWN_HANDLER',
        message:
          "step 'create_order' names handler 'Ecommerce::StepHandlers::Orders::Create', which is not registered as a step handler",
      },
    ]);
    expect(engine.catalog.listTemplates()).toEqual([]);
  });

  test('task_handler_class must name a registered task handler, not a step handler', async () => {
    const engine = seedEngine();
    const text = SEED_YAML.replace(
      'task_handler_class: Ecommerce::OrderProcessingHandler',
      'task_handler_class: Ecommerce::StepHandlers::ValidateCartHandler',
    );

    const issues = await issuesOf(() => registerTemplates(engine, [parseTemplate(text, { file: FILE, env: 'test' })]));

    expect(brief(issues)).toEqual([
      "5:21 task_handler_class: 'Ecommerce::StepHandlers::ValidateCartHandler' is registered as a step handler, not a task handler",
    ]);
  });

  test('a misspelt task_handler_class gets the registered task handler it is closest to', async () => {
    const engine = seedEngine();
    const text = SEED_YAML.replace(
      'task_handler_class: Ecommerce::OrderProcessingHandler',
      'task_handler_class: Ecommerce::OrderProcesingHandler',
    );

    const issues = await issuesOf(() => registerTemplates(engine, [parseTemplate(text, { env: 'test' })]));

    expect(brief(issues)).toEqual([
      "5:21 task_handler_class: task handler 'Ecommerce::OrderProcesingHandler' is not registered; did you mean 'Ecommerce::OrderProcessingHandler'?",
    ]);
  });

  test('registers all templates or none: one bad template keeps the good ones out', async () => {
    const engine = seedEngine();
    const good = parseTemplate(SEED_YAML, { file: 'good.yaml', env: 'test' });
    const bad = parseTemplate(
      SEED_YAML.replace('version: 1.0.0', 'version: 2.0.0').replace('CreateOrderHandler', 'Missing'),
      {
        file: 'bad.yaml',
        env: 'test',
      },
    );

    expect(brief(await issuesOf(() => registerTemplates(engine, [good, bad])))).toEqual([
      "75:20 step_templates[3].handler_class: step 'create_order' names handler 'Ecommerce::StepHandlers::Missing', which is not registered as a step handler",
    ]);
    expect(engine.catalog.listTemplates()).toEqual([]);
  });

  test('a version that is registered already is refused at its version line', async () => {
    const engine = seedEngine();
    registerTemplates(engine, [parseTemplate(SEED_YAML, { env: 'test' })]);

    const issues = await issuesOf(() =>
      registerTemplates(engine, [parseTemplate(SEED_YAML, { file: 'again.yaml', env: 'test' })]),
    );

    expect(issues).toEqual([
      {
        file: 'again.yaml',
        line: 4,
        column: 10,
        path: 'version',
        code: 'DUPLICATE_TEMPLATE',
        message: 'ecommerce/process_order@1.0.0 is registered already',
      },
    ]);
  });

  test('a template built in TypeScript is checked the same way and named by its key', async () => {
    const engine = createEngine();

    const issues = await issuesOf(() =>
      registerTemplates(engine, [
        { namespace: 'ops', name: 'nightly', version: '1.0.0', steps: [{ name: 'backup', handler: 'Backup' }] },
      ]),
    );

    expect(issues).toEqual([
      {
        file: 'ops/nightly@1.0.0',
        line: 0,
        column: 0,
        path: 'steps[0].handler',
        code: 'UNKNOWN_HANDLER',
        message: "step 'backup' names handler 'Backup', which is not registered as a step handler",
      },
    ]);
  });

  test('engine.registerTemplate accepts what parseTemplate produces', () => {
    const engine = seedEngine();

    engine.registerTemplate(parseTemplate(SEED_YAML, { env: 'test' }));

    expect(engine.catalog.resolveTemplate('ecommerce', 'process_order').taskHandler).toBe(
      'Ecommerce::OrderProcessingHandler',
    );
  });
});
