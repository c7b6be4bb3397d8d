/**
 * The seed's story in one run: checkouts that go through, one whose payment gateway is flaky (retried, charged
 * once), one that is declined for good, and an express order, each printed step by step.
 */
import type { TaskView } from '@tasker/core';
import { createCheckoutEngine } from './checkout-engine.js';

const cart = [
  { product_id: 1, quantity: 1, price: 89.0 },
  { product_id: 3, quantity: 2, price: 34.99 },
];

function print(title: string, task: TaskView): void {
  console.log(`\n${title}: task ${task.id} ${task.state} (correlation id ${task.correlationId})`);
  for (const step of task.steps) {
    console.log(
      `  ${step.name}: ${step.state} (${step.durationMs ?? 0}ms, ${step.attempts} attempt${step.attempts === 1 ? '' : 's'})`,
    );
    if (step.state === 'completed') console.log(`    Result: ${JSON.stringify(step.results)}`);
    if (step.errorMessage) console.log(`    Error: ${step.errorMessage}`);
  }
  for (const annotation of task.annotations)
    console.log(`  annotation ${annotation.type}: ${JSON.stringify(annotation.content)}`);
}

const { engine, payments } = await createCheckoutEngine({ defaults: { backoff: { baseMs: 200, jitter: 0 } } });
engine.on('step.retry_scheduled', (event) =>
  console.log(`  ... ${event.stepName} attempt ${event.attempt} failed (${event.error?.message}); retrying`),
);
await engine.start();

const scenarios = [
  ['A checkout that goes through', 'tok_success', 'standard'],
  ['A flaky payment gateway', 'tok_flaky', 'standard'],
  ['A declined card', 'tok_insufficient_funds', 'standard'],
  ['An express order', 'tok_success', 'express'],
] as const;
for (const [title, token, priority] of scenarios) {
  const { taskId } = await engine.runTask({
    namespace: 'ecommerce',
    name: 'process_order',
    context: {
      cart_items: cart,
      payment_info: { token, amount: 165.75 },
      customer_info: { email: 'sarah@growthcorp.example', name: 'Sarah' },
      priority,
    },
  });
  print(title, await engine.waitForTask(taskId, { timeoutMs: 30_000 }));
}
console.log(`\nCharges made: ${payments.charges} (one per paid order, however many retries)`);
await engine.stop();
