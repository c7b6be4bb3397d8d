import { describe, expect, test } from 'vitest';
import { TaskerError } from '@tasker/core';
import { TemplateLoadError, parseTemplate } from './index.js';
import { brief, parseIssues } from './test-fixtures/issues-of.js';
import { refund } from './test-fixtures/refund.js';
import { SEED_YAML } from './test-fixtures/seed.js';
import { yaml } from './test-fixtures/yaml.js';

describe('parseTemplate', () => {
  test("the seed's YAML becomes core's TaskTemplate, snake_case keys mapped to the engine's names", () => {
    const template = parseTemplate(SEED_YAML, { file: 'order_processing_handler.yaml', env: 'test' });

    expect(template).toMatchObject({
      namespace: 'ecommerce',
      name: 'process_order',
      version: '1.0.0',
      taskHandler: 'Ecommerce::OrderProcessingHandler',
      description: 'Reliable e-commerce checkout workflow with automatic retry and recovery',
      contextSchema: { type: 'object', required: ['cart_items', 'payment_info', 'customer_info'] },
    });
    expect(template.steps).toEqual([
      {
        name: 'validate_cart',
        description: 'Validate cart items and calculate totals',
        handler: 'Ecommerce::StepHandlers::ValidateCartHandler',
        retryable: true,
        retryLimit: 3,
      },
      {
        name: 'process_payment',
        description: 'Charge payment method',
        handler: 'Ecommerce::StepHandlers::ProcessPaymentHandler',
        dependsOn: ['validate_cart'],
        retryable: true,
        retryLimit: 3,
        timeoutMs: 30_000,
        compensate: { handler: 'RefundPayment', retryLimit: 5, timeoutMs: 30_000 },
      },
      {
        name: 'update_inventory',
        description: 'Update inventory levels',
        handler: 'Ecommerce::StepHandlers::UpdateInventoryHandler',
        dependsOn: ['process_payment'],
        retryable: true,
        retryLimit: 2,
        compensate: { handler: 'RestockInventory', retryLimit: 5, timeoutMs: 30_000 },
      },
      {
        name: 'create_order',
        description: 'Create order record',
        handler: 'Ecommerce::StepHandlers::CreateOrderHandler',
        dependsOn: ['update_inventory'],
        compensate: { handler: 'CancelOrder', retryLimit: 5 },
      },
      {
        name: 'send_confirmation',
        description: 'Send order confirmation email',
        handler: 'Ecommerce::StepHandlers::SendConfirmationHandler',
        dependsOn: ['create_order'],
        retryable: true,
        retryLimit: 5,
      },
    ]);
    expect(template.validateContext).toBeTypeOf('function');
  });

  test('backoff, handler_config, max_parallel_steps and both dependency keys are carried over', () => {
    const template = parseTemplate(
      refund(yaml`
      max_parallel_steps: 2
      step_templates:
        - name: a
          handler_class: A
        - name: b
          handler_class: B
        - name: c
          handler_class: C
          depends_on_step: a
          depends_on_steps: [b, a]
          retryable: false
          backoff: { base_ms: 500, factor: 3, max_ms: 10000, jitter: 0 }
          handler_config:
            endpoint: https://payments.example/refunds
            currencies: [EUR, USD]
    `),
    );

    expect(template.maxParallelSteps).toBe(2);
    expect(template.steps[2]).toEqual({
      name: 'c',
      handler: 'C',
      dependsOn: ['a', 'b'],
      retryable: false,
      backoff: { baseMs: 500, factor: 3, maxMs: 10_000, jitter: 0 },
      config: { endpoint: 'https://payments.example/refunds', currencies: ['EUR', 'USD'] },
    });
  });

  test('deadline_ms is carried over as deadlineMs', () => {
    const template = parseTemplate(
      refund(yaml`
      deadline_ms: 900000
      step_templates:
        - name: a
          handler_class: A
    `),
    );

    expect(template.deadlineMs).toBe(900_000);
  });

  test('a deadline_ms that is not a positive whole number is refused at its line', async () => {
    for (const [value, message] of [
      ['0', 'must be 1 or more (milliseconds)'],
      ['1.5', 'must be a whole number of milliseconds'],
      ['soon', 'must be a whole number of milliseconds'],
    ]) {
      const issues = await parseIssues(yaml`
        name: refund
        namespace_name: payments
        version: 1.0.0
        deadline_ms: ${value}
        step_templates:
          - name: a
            handler_class: A
      `);
      expect(brief(issues)).toEqual([`4:14 deadline_ms: ${message}`]);
    }
  });

  test('an unknown key is refused by name, with the known key it is closest to', async () => {
    const issues = await parseIssues(
      refund(yaml`
          step_templates:
            - name: charge
              handler_class: Charge
              retry_limt: 3
              timout: 100
              colour: blue
              backoff: { base: 10 }
        `),
      { file: 'refund.yaml' },
    );

    expect(issues).toEqual([
      {
        file: 'refund.yaml',
        line: 7,
        column: 5,
        path: 'step_templates[0].retry_limt',
        code: 'UNKNOWN_KEY',
        message: "unknown key 'retry_limt'; did you mean 'retry_limit'?",
      },
      {
        file: 'refund.yaml',
        line: 8,
        column: 5,
        path: 'step_templates[0].timout',
        code: 'UNKNOWN_KEY',
        message: "unknown key 'timout'; did you mean 'timeout'?",
      },
      {
        file: 'refund.yaml',
        line: 9,
        column: 5,
        path: 'step_templates[0].colour',
        code: 'UNKNOWN_KEY',
        message: "unknown key 'colour'",
      },
      {
        file: 'refund.yaml',
        line: 10,
        column: 16,
        path: 'step_templates[0].backoff.base',
        code: 'UNKNOWN_KEY',
        message: "unknown key 'base'; did you mean 'base_ms'?",
      },
    ]);
  });

  test('a key short of its full name gets the full name as suggestion (depends_on -> depends_on_step)', async () => {
    const issues = await parseIssues(
      refund(yaml`
        step_templates:
          - name: a
            handler_class: A
          - name: b
            handler_class: B
            depends_on: a
      `),
    );

    expect(brief(issues)).toEqual([
      "9:5 step_templates[1].depends_on: unknown key 'depends_on'; did you mean 'depends_on_step'?",
    ]);
  });

  test('a missing key is reported at the mapping that lacks it', async () => {
    const issues = await parseIssues(yaml`
        name: refund
        version: 1.0.0
        step_templates:
          - name: a
            description: no handler here
      `);

    expect(
      issues.map(({ code, ...rest }) => [code, `${rest.line}:${rest.column} ${rest.path}: ${rest.message}`]),
    ).toEqual([
      ['MISSING_KEY', '1:1 namespace_name: is required'],
      ['MISSING_KEY', '4:5 step_templates[0].handler_class: is required'],
    ]);
  });

  test('a value of the wrong type or range is reported at the value, saying what is expected', async () => {
    const issues = await parseIssues(yaml`
        name: process refund
        namespace_name: payments
        version: 1.0
        step_templates:
          - name: a
            handler_class: A
            retryable: yes
            retry_limit: -1
            timeout: 0
            backoff:
              factor: 0.5
              jitter: 2
            handler_config: [1, 2]
          - name: b
            handler_class: ''
            retry_limit: 1.5
            handler_config:
              limit: .inf
      `);

    expect(brief(issues)).toEqual([
      "1:7 name: 'process refund' may hold only letters, digits, '_', '.' and '-'",
      "3:10 version: must be a semantic version such as '1.0.0'; YAML read a number here, so write all three parts or quote it",
      '7:16 step_templates[0].retryable: must be true or false',
      '8:18 step_templates[0].retry_limit: must be 0 or more',
      '9:14 step_templates[0].timeout: must be a positive number of milliseconds',
      '11:15 step_templates[0].backoff.factor: must be 1 or more',
      '12:15 step_templates[0].backoff.jitter: must be between 0 and 1',
      '13:21 step_templates[0].handler_config: must be a mapping of JSON values',
      '15:20 step_templates[1].handler_class: must not be empty',
      '16:18 step_templates[1].retry_limit: must be a whole number of retries',
      '18:14 step_templates[1].handler_config.limit: Infinity is not a JSON number',
    ]);
  });

  test('a version that is not semantic is refused', async () => {
    const issues = await parseIssues(yaml`
      name: refund
      namespace_name: payments
      version: v1.2
      step_templates:
        - name: a
          handler_class: A
    `);

    expect(brief(issues)).toEqual(["3:10 version: 'v1.2' is not a semantic version (1.2.3)"]);
  });

  test('a template without steps is refused', async () => {
    expect(brief(await parseIssues(refund('step_templates: []\n')))).toEqual([
      '4:17 step_templates: needs at least one step',
    ]);
  });

  test('a YAML syntax error is reported with its line and column', async () => {
    const tabbed = refund('step_templates:\n  - name: a\n\thandler_class: A\n');
    expect(await parseIssues(tabbed, { file: 'tabbed.yaml' })).toEqual([
      {
        file: 'tabbed.yaml',
        line: 6,
        column: 1,
        path: '',
        code: 'YAML_SYNTAX',
        message: 'Tabs are not allowed as indentation',
      },
    ]);

    const unclosed = refund('description: "never closed\nstep_templates: []\n');
    expect(brief(await parseIssues(unclosed))).toEqual(['6:1 Missing closing "quote']);
  });

  test('a key written twice in one mapping is refused rather than silently overwritten', async () => {
    const issues = await parseIssues(
      refund(yaml`
        step_templates:
          - name: a
            handler_class: A
            retry_limit: 3
            retry_limit: 5
      `),
    );

    expect(brief(issues)).toEqual(['8:5 Map keys must be unique']);
  });

  test('a file that holds no mapping is refused', async () => {
    expect(brief(await parseIssues(''))).toEqual(['1:1 must be a mapping (a task template)']);
    expect(brief(await parseIssues('- a\n- b\n'))).toEqual(['1:1 must be a mapping (a task template)']);
  });

  test('a document whose aliases expand beyond reason is refused instead of exhausting memory', async () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const level of 'bcdefgh')
      laughs.push(
        `${level}: &${level} [${Array(10)
          .fill(`*${String.fromCharCode(level.charCodeAt(0) - 1)}`)
          .join(', ')}]`,
      );

    expect(brief(await parseIssues(`${laughs.join('\n')}\n`))).toEqual([
      '1:1 Excessive alias count indicates a resource exhaustion attack',
    ]);
  });

  test("the error's message lists every issue as file:line:column path: message", async () => {
    const error = new TemplateLoadError([
      { file: 'a.yaml', line: 1, column: 9, path: '', message: 'Missing closing "quote', code: 'YAML_SYNTAX' },
    ]);
    expect(error.message).toBe('Task templates are invalid (1 problem):\n  a.yaml:1:9 Missing closing "quote');

    try {
      parseTemplate(
        refund(yaml`
        step_templates:
          - name: a
            handler_class: A
            retry_limt: 3
            retryable: sometimes
      `),
        { file: 'config/tasker/tasks/payments/refund.yaml' },
      );
      expect.unreachable();
    } catch (thrown) {
      expect(thrown).toBeInstanceOf(TemplateLoadError);
      expect(thrown).toBeInstanceOf(TaskerError);
      expect((thrown as TemplateLoadError).code).toBe('INVALID_TEMPLATE');
      expect((thrown as Error).message).toBe(
        [
          'Task templates are invalid (2 problems):',
          "  config/tasker/tasks/payments/refund.yaml:7:5 step_templates[0].retry_limt: unknown key 'retry_limt'; did you mean 'retry_limit'?",
          '  config/tasker/tasks/payments/refund.yaml:8:16 step_templates[0].retryable: must be true or false',
        ].join('\n'),
      );
    }
  });
});
