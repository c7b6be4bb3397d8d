import { describe, expect, test } from 'vitest';
import { CompensationHandler, createEngine } from '@tasker/core';
import { parseTemplate, registerTemplates } from './index.js';
import { issuesOf } from './test-fixtures/issues-of.js';

class RefundPayment extends CompensationHandler {
  async compensate() {}
}

const FILE = 'shop/checkout.yaml';
const YAML = `name: checkout
namespace_name: shop
version: 1.0.0
retry_after_compensation: true
step_templates:
  - name: charge
    handler_class: Charge
    compensate:
      handler_class: RefundPayment
      retry_limit: 5
      timeout: 30000
      retryable: true
      backoff:
        base_ms: 200
  - name: gift_wrap
    handler_class: Wrap
    skippable: true
    depends_on_step: charge
`;

function engine() {
  return createEngine()
    .registerHandler('Charge', () => ({}))
    .registerHandler('Wrap', () => ({}))
    .registerHandler('RefundPayment', RefundPayment);
}

describe('compensate, skippable and retry_after_compensation in YAML', () => {
  test('are read into the template', () => {
    const template = parseTemplate(YAML, { file: FILE });
    expect(template.retryAfterCompensation).toBe(true);
    expect(template.steps[0]!.compensate).toEqual({
      handler: 'RefundPayment',
      retryLimit: 5,
      timeoutMs: 30000,
      retryable: true,
      backoff: { baseMs: 200 },
    });
    expect(template.steps[1]!.skippable).toBe(true);
    registerTemplates(engine(), [template]);
  });

  test('an unregistered compensation handler is refused at registration, at its YAML line', async () => {
    const template = parseTemplate(YAML.replace('handler_class: RefundPayment', 'handler_class: RefundPaymnt'), {
      file: FILE,
    });
    const issues = await issuesOf(() => registerTemplates(engine(), [template]));
    expect(issues).toEqual([
      expect.objectContaining({
        file: FILE,
        line: 9,
        path: 'step_templates[0].compensate.handler_class',
        code: 'UNKNOWN_HANDLER',
        message: expect.stringContaining("step 'charge' is compensated by 'RefundPaymnt', which is not registered"),
      }),
    ]);
  });

  test('a bad compensation setting is refused at its line', async () => {
    const issues = await issuesOf(() =>
      parseTemplate(YAML.replace('retry_limit: 5', 'retry_limit: -1'), { file: FILE }),
    );
    expect(issues).toEqual([expect.objectContaining({ line: 10, path: 'step_templates[0].compensate.retry_limit' })]);
  });
});
