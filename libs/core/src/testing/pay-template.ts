import type { TaskTemplate } from '../domain/template.js';

/**
 * `shop/pay` of the throttling cases: one payment step, at most `limit` at once per merchant
 * (`$.context.merchant_id`). Its own module, so that a worker process imports it without the test runner.
 */
export const PAY_TEMPLATE = (limit: number): TaskTemplate => ({
  namespace: 'shop',
  name: 'pay',
  version: '1.0.0',
  steps: [{ name: 'pay', handler: 'pay', concurrency: { key: '$.context.merchant_id', limit } }],
});
