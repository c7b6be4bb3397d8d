import { describe, expect, test } from 'vitest';
import { parseTemplate } from './index.js';
import { brief, parseIssues } from './test-fixtures/issues-of.js';

const FILE = 'shop/pay.yaml';
const template = (limits: string) => `name: pay
namespace_name: shop
version: 1.0.0
step_templates:
  - name: validate
    handler_class: Validate
  - name: charge
    handler_class: Charge
    depends_on_step: validate
${limits}`;

describe('concurrency keys and rate limits in YAML', () => {
  test('are read into the step: concurrency, and rate_limit with period_ms', () => {
    const parsed = parseTemplate(
      template(`    concurrency: { key: $.context.merchant_id, limit: 5 }
    rate_limit: { key: "$.results.validate.merchant", limit: 100, period_ms: 60000 }
`),
      { file: FILE },
    );
    expect(parsed.steps[1]).toMatchObject({
      concurrency: { key: '$.context.merchant_id', limit: 5 },
      rateLimit: { key: '$.results.validate.merchant', limit: 100, periodMs: 60_000 },
    });
  });

  test('name the line of a limit that is no whole number, and of an unknown field', async () => {
    const issues = await parseIssues(
      template(`    concurrency: { key: $.context.merchant_id, limit: 0.5 }
    rate_limit: { key: $.context.merchant_id, limit: 10, period: 60000 }
`),
      { file: FILE },
    );
    expect(brief(issues)).toEqual([
      '10:55 step_templates[1].concurrency.limit: must be a whole number of attempts',
      '11:17 step_templates[1].rate_limit.period_ms: is required',
      "11:58 step_templates[1].rate_limit.period: unknown key 'period'; did you mean 'period_ms'?",
    ]);
  });

  test('name the line of a key that is no value path, or reads a step the step does not depend on', async () => {
    const issues = await parseIssues(
      template(`    concurrency: { key: $.results.charge.id, limit: 2 }
    rate_limit: { key: merchant_id, limit: 10, period_ms: 60000 }
`),
      { file: FILE },
    );
    expect(brief(issues)).toEqual([
      "10:25 step_templates[1].concurrency.key: '$.results.charge.id' reads step 'charge', which 'charge' does not depend on",
      "11:24 step_templates[1].rate_limit.key: 'merchant_id' must start with '$.context' or '$.results.<step>'",
    ]);
  });

  test('read a template priority, and name the line of one out of range', async () => {
    const withPriority = (priority: string) =>
      template('').replace('version: 1.0.0\n', `version: 1.0.0\npriority: ${priority}\n`);
    expect(parseTemplate(withPriority('3'), { file: FILE }).priority).toBe(3);
    expect(brief(await parseIssues(withPriority('1001'), { file: FILE }))).toEqual([
      '4:11 priority: must be a whole number from 0 to 1000',
    ]);
  });
});
