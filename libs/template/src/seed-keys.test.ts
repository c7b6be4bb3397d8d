import { TaskHandler, createEngine, type CustomEvent, type StepContext } from '@tasker/core';
import { describe, expect, it } from 'vitest';
import { parseTemplate } from './index.js';
import { brief, parseIssues } from './test-fixtures/issues-of.js';
import { SEED_KEYS_FILE, SEED_KEYS_YAML } from './test-fixtures/seed-keys.js';
import { yaml } from './test-fixtures/yaml.js';

/** The fixture with `named_steps` replaced by `names`. */
function withNamedSteps(names: string[]): string {
  return SEED_KEYS_YAML.replace(
    /^named_steps:\n(?: {2}- .*\n)+/m,
    `named_steps:\n${names.map((name) => `  - ${name}\n`).join('')}`,
  );
}

describe("the seed's own template keys", () => {
  it('reads every key of a seed-style template: defaults, dependent systems, config and custom events', () => {
    const template = parseTemplate(SEED_KEYS_YAML, { file: SEED_KEYS_FILE, env: 'test' });
    expect(template).toMatchObject({
      namespace: 'fulfillment',
      name: 'fulfill_order',
      version: '1.2.0',
      description: 'Reserve, pick and ship an order, telling the storefront as it goes',
      customEvents: ['stock_reserved', 'customer_notified', 'parcel_shipped'],
    });
    expect(template).not.toHaveProperty('moduleNamespace');
    expect(template.steps).toEqual([
      {
        name: 'reserve_stock',
        description: "Reserve every line's stock in the warehouse",
        handler: 'Fulfillment::StepHandlers::ReserveStockHandler',
        retryable: true,
        retryLimit: 5,
        dependentSystem: 'warehouse_api',
      },
      {
        name: 'ship_parcel',
        description: 'Book the carrier',
        handler: 'Fulfillment::StepHandlers::ShipParcelHandler',
        dependsOn: ['reserve_stock'],
        retryable: true,
        retryLimit: 2,
        timeoutMs: 30_000,
        config: { carrier: 'ups', service: 'test' },
        dependentSystem: 'carrier_api',
      },
      {
        name: 'notify_customer',
        description: 'Email the tracking number',
        handler: 'Fulfillment::StepHandlers::NotifyCustomerHandler',
        dependsOn: ['ship_parcel'],
        retryable: false,
        retryLimit: 5,
        dependentSystem: 'email_service',
      },
    ]);
  });

  it('runs it: handlers get their config, publish declared events, and steps keep their dependent system', async () => {
    const configs: unknown[] = [];
    const refused: string[] = [];
    const engine = createEngine()
      .registerHandler('Fulfillment::FulfillOrderHandler', class extends TaskHandler {})
      .registerHandler('Fulfillment::StepHandlers::ReserveStockHandler', (ctx: StepContext) => {
        ctx.publish('stock_reserved', { lines: 2 });
        return null;
      })
      .registerHandler('Fulfillment::StepHandlers::ShipParcelHandler', (ctx: StepContext) => {
        configs.push(ctx.step.config);
        ctx.publish('parcel_shipped', { tracking: '1Z999' });
        return { tracking: '1Z999' };
      })
      .registerHandler('Fulfillment::StepHandlers::NotifyCustomerHandler', (ctx: StepContext) => {
        try {
          ctx.publish('parcel_lost');
        } catch (error) {
          refused.push((error as Error).message);
        }
        ctx.publish('customer_notified');
        return null;
      });
    engine.registerTemplate(parseTemplate(SEED_KEYS_YAML, { file: SEED_KEYS_FILE, env: 'test' }));
    const published: CustomEvent[] = [];
    engine.on('custom.*', (event) => {
      published.push(event);
    });
    await engine.start();
    const { taskId } = await engine.runTask({
      namespace: 'fulfillment',
      name: 'fulfill_order',
      context: { order_id: 7 },
    });
    const task = await engine.waitForTask(taskId);
    await engine.stop();
    expect(task.state).toBe('completed');
    expect(configs).toEqual([{ carrier: 'ups', service: 'test' }]);
    expect(published.map((event) => [event.type, event.stepName, event.payload])).toEqual([
      ['custom.stock_reserved', 'reserve_stock', { lines: 2 }],
      ['custom.parcel_shipped', 'ship_parcel', { tracking: '1Z999' }],
      ['custom.customer_notified', 'notify_customer', null],
    ]);
    expect(refused).toEqual([
      "publish: 'parcel_lost' is no custom event of fulfillment/fulfill_order@1.2.0 " +
        '(it declares stock_reserved, customer_notified, parcel_shipped in customEvents)',
    ]);
    expect(task.steps.map((step) => step.dependentSystem)).toEqual(['warehouse_api', 'carrier_api', 'email_service']);
  });

  it('refuses named_steps that do not list exactly the steps, at their lines', async () => {
    expect(brief(await parseIssues(withNamedSteps(['reserve_stock', 'ship_parcels', 'reserve_stock'])))).toEqual([
      '15:3 named_steps: must list every step; missing ship_parcel, notify_customer',
      "16:5 named_steps[1]: 'ship_parcels' is not a step of this template (step_templates)",
      "17:5 named_steps[2]: 'reserve_stock' is listed twice",
    ]);
  });

  it('refuses a bad default, dependent system or custom event, naming the key and line', async () => {
    const issues = await parseIssues(yaml`
      name: t
      namespace_name: ns
      version: 1.0.0
      default_retry_limit: -1
      default_retryable: sometimes
      default_dependent_system: 3
      custom_events:
        - order shipped
        - name: ok
          summary: extra
      step_templates:
        - name: only
          handler_class: Only
          dependent_system: ''
    `);
    expect(brief(issues)).toEqual([
      '4:22 default_retry_limit: must be 0 or more',
      '5:20 default_retryable: must be true or false',
      '6:27 default_dependent_system: must be the name of a system (a string)',
      "8:5 custom_events[0]: 'order shipped' may hold only letters, digits, '_', '.' and '-'",
      "10:5 custom_events[1].summary: unknown key 'summary'",
      '14:23 step_templates[0].dependent_system: must not be empty',
    ]);
    const nul = await parseIssues(yaml`
      name: t
      namespace_name: ns
      version: 1.0.0
      step_templates:
        - name: only
          handler_class: Only
          dependent_system: "pay\0ments"
    `);
    expect(brief(nul)).toEqual(['7:23 step_templates[0].dependent_system: contains a NUL character (\\u0000)']);
  });
});
