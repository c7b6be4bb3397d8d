import { afterEach, describe, expect, test } from 'vitest';
import {
  StepHandler,
  TaskHandler,
  createEngine,
  type AdjustableStep,
  type Engine,
  type JsonObject,
  type StepContext,
  type TaskHookInfo,
} from '@tasker/core';
import { loadTemplates, registerTemplates, semverResolver } from './index.js';
import { SEED_FILE, registerSeedHandlers } from './test-fixtures/seed.js';

/** The seed's `Ecommerce::OrderProcessingHandler`: express orders get a faster payment and fewer retries. */
class OrderProcessingHandler extends TaskHandler {
  override establishStepDependenciesAndDefaults(task: TaskHookInfo, steps: AdjustableStep[]): void {
    if (task.context.priority !== 'express') return;
    const payment = steps.find((step) => step.name === 'process_payment');
    if (payment) Object.assign(payment, { timeoutMs: 15_000, retryLimit: 1 });
    const email = steps.find((step) => step.name === 'send_confirmation');
    if (email) email.retryLimit = 2;
  }
}

type CartItem = { product_id: number; quantity: number; price: number };

class ValidateCartHandler extends StepHandler {
  process(ctx: StepContext) {
    const items = ctx.task.context.cart_items as CartItem[];
    const subtotal = items.reduce((sum, item) => sum + item.price * item.quantity, 0);
    return { subtotal, tax: subtotal * 0.08, total: subtotal * 1.08 };
  }
}

class ProcessPaymentHandler extends StepHandler {
  process(ctx: StepContext) {
    const totals = ctx.results<{ total: number }>('validate_cart');
    return { payment_id: `pi_${ctx.idempotencyKey}`, amount_charged: totals.total };
  }
}

const STEP_HANDLERS = {
  'Ecommerce::StepHandlers::ValidateCartHandler': ValidateCartHandler,
  'Ecommerce::StepHandlers::ProcessPaymentHandler': ProcessPaymentHandler,
  'Ecommerce::StepHandlers::UpdateInventoryHandler': () => ({ reserved: true }),
  'Ecommerce::StepHandlers::CreateOrderHandler': (ctx: StepContext) => ({ order_id: `order_${ctx.task.id}` }),
  'Ecommerce::StepHandlers::SendConfirmationHandler': (ctx: StepContext) => ({
    sent_to: (ctx.task.context.customer_info as JsonObject).email ?? null,
  }),
};

function order(extra: JsonObject = {}): JsonObject {
  return {
    cart_items: [
      { product_id: 1, quantity: 2, price: 25 },
      { product_id: 2, quantity: 1, price: 50 },
    ],
    payment_info: { token: 'tok_visa', amount: 108 },
    customer_info: { email: 'sarah@growthcorp.example', name: 'Sarah' },
    ...extra,
  };
}

describe("the seed's order processing template", () => {
  let engine: Engine;

  afterEach(async () => {
    await engine.stop({ gracePeriodMs: 0 });
  });

  async function startCheckout(): Promise<Engine> {
    engine = createEngine({ resolveVersion: semverResolver });
    registerSeedHandlers(engine, STEP_HANDLERS, OrderProcessingHandler);
    registerTemplates(engine, await loadTemplates(SEED_FILE, { env: 'test' }));
    await engine.start();
    return engine;
  }

  test('loads from its YAML file and runs end to end on the in-memory engine', async () => {
    await startCheckout();

    const { taskId } = await engine.runTask({
      namespace: 'ecommerce',
      name: 'process_order',
      version: '1.0.0',
      context: order(),
    });
    const task = await engine.waitForTask(taskId, { timeoutMs: 5_000 });

    expect(task.state).toBe('completed');
    expect(task.steps.map((step) => [step.name, step.state])).toEqual([
      ['validate_cart', 'completed'],
      ['process_payment', 'completed'],
      ['update_inventory', 'completed'],
      ['create_order', 'completed'],
      ['send_confirmation', 'completed'],
    ]);
    expect(task.steps[1]!.results).toEqual({ payment_id: `pi_${taskId}:process_payment`, amount_charged: 108 });
    expect(task.steps[4]!.results).toEqual({ sent_to: 'sarah@growthcorp.example' });
  });

  test("a normal order keeps the YAML's retry limits and timeout", async () => {
    await startCheckout();

    const { taskId } = await engine.runTask({
      namespace: 'ecommerce',
      name: 'process_order',
      context: order({ priority: 'standard' }),
    });
    const { steps } = await engine.getTask(taskId);

    expect(steps.map((step) => [step.name, step.settings.retryLimit, step.settings.timeoutMs])).toEqual([
      ['validate_cart', 3, undefined],
      ['process_payment', 3, 30_000],
      ['update_inventory', 2, undefined],
      ['create_order', 3, undefined],
      ['send_confirmation', 5, undefined],
    ]);
    await engine.waitForTask(taskId, { timeoutMs: 5_000 });
  });

  test('an express order gets a 15 s payment timeout, one payment retry and two email retries', async () => {
    await startCheckout();

    const { taskId } = await engine.runTask({
      namespace: 'ecommerce',
      name: 'process_order',
      context: order({ priority: 'express' }),
    });
    const { steps } = await engine.getTask(taskId);

    expect(steps.map((step) => [step.name, step.settings.retryLimit, step.settings.timeoutMs])).toEqual([
      ['validate_cart', 3, undefined],
      ['process_payment', 1, 15_000],
      ['update_inventory', 2, undefined],
      ['create_order', 3, undefined],
      ['send_confirmation', 2, undefined],
    ]);
    expect((await engine.waitForTask(taskId, { timeoutMs: 5_000 })).state).toBe('completed');
  });
});
