import { describe, expect, test } from 'vitest';
import { ContextValidationError, createEngine } from '@tasker/core';
import { parseTemplate, registerTemplates } from './index.js';
import { brief, parseIssues } from './test-fixtures/issues-of.js';
import { SEED_YAML, registerSeedHandlers } from './test-fixtures/seed.js';
import { yaml } from './test-fixtures/yaml.js';

/** A one-step template `crm/signup@1.0.0` whose `schema:` mapping is `schema` (indented by two). */
function withSchema(schema: string): string {
  return `${yaml`
    name: signup
    namespace_name: crm
    version: 1.0.0
    step_templates:
      - name: welcome
        handler_class: Welcome
    schema:
  `}${schema}`;
}

describe('the context schema', () => {
  test('a request violating it is refused with every violation listed, and nothing is stored', async () => {
    const engine = registerSeedHandlers(createEngine());
    registerTemplates(engine, [parseTemplate(SEED_YAML, { env: 'test' })]);
    await engine.start();

    const refused = engine.runTask({
      namespace: 'ecommerce',
      name: 'process_order',
      context: {
        cart_items: [{ product_id: 'abc', quantity: 1.5, price: 10 }],
        payment_info: 'tok_visa',
      },
    });

    await expect(refused).rejects.toBeInstanceOf(ContextValidationError);
    const error = (await refused.catch((thrown: unknown) => thrown)) as ContextValidationError;
    expect(error.code).toBe('INVALID_CONTEXT');
    expect(error.violations).toEqual([
      { path: '/customer_info', message: 'is required' },
      { path: '/cart_items/0/product_id', message: 'must be integer' },
      { path: '/cart_items/0/quantity', message: 'must be integer' },
      { path: '/payment_info', message: 'must be object' },
    ]);
    expect(error.message).toBe(
      [
        'Task context for ecommerce/process_order@1.0.0 is invalid:',
        '  - /customer_info: is required',
        '  - /cart_items/0/product_id: must be integer',
        '  - /cart_items/0/quantity: must be integer',
        '  - /payment_info: must be object',
      ].join('\n'),
    );
    expect((await engine.listTasks()).tasks).toEqual([]);
    await engine.stop({ gracePeriodMs: 0 });
  });

  test('formats are checked, and keys outside additionalProperties: false are named', () => {
    const template = parseTemplate(
      withSchema(`
      type: object
      additionalProperties: false
      properties:
        email: { type: string, format: email }
        signed_up_at: { type: string, format: date-time }
    `),
    );

    expect(
      template.validateContext?.({ email: 'sarah@growthcorp.example', signed_up_at: '2024-11-29T03:00:00Z' }),
    ).toEqual([]);
    expect(template.validateContext?.({ email: 'not an address', signed_up_at: 'yesterday', plan: 'pro' })).toEqual([
      { path: '/plan', message: 'is not allowed' },
      { path: '/email', message: 'must match format "email"' },
      { path: '/signed_up_at', message: 'must match format "date-time"' },
    ]);
  });

  test('draft 2020-12 is the default and draft-07 is chosen by $schema', async () => {
    const tuple = `
      type: object
      properties:
        point:
          type: array
          items: [{ type: number }, { type: number }]
    `;
    const draft07 = parseTemplate(withSchema(`\n      $schema: http://json-schema.org/draft-07/schema#${tuple}`));
    expect(draft07.validateContext?.({ point: [1, 'x'] })).toEqual([{ path: '/point/1', message: 'must be number' }]);

    // Array-form `items` was replaced by `prefixItems` in 2020-12, so the same schema is refused by default.
    expect(brief(await parseIssues(withSchema(tuple)))).toEqual([
      '13:18 schema.properties.point.items: must be object or boolean',
    ]);

    const draft2020 = parseTemplate(
      withSchema(`
      $schema: https://json-schema.org/draft/2020-12/schema
      type: object
      properties:
        point: { type: array, prefixItems: [{ type: number }, { type: number }], items: false }
    `),
    );
    expect(draft2020.validateContext?.({ point: [1, 2, 3] })).toEqual([
      { path: '/point', message: 'must NOT have more than 2 items' },
    ]);
  });

  test('an invalid schema is refused at the line of the offending keyword', async () => {
    const issues = await parseIssues(
      withSchema(`
      type: object
      properties:
        email: { type: strng }
        age: { type: integer, minimum: young }
    `),
      { file: 'signup.yaml' },
    );

    expect(issues.map((issue) => issue.code)).toEqual(['INVALID_SCHEMA', 'INVALID_SCHEMA']);
    expect(brief(issues)).toEqual([
      '11:24 schema.properties.email.type: must be one of array, boolean, integer, null, number, object, string',
      '12:40 schema.properties.age.minimum: must be number',
    ]);
  });

  test('a misspelt keyword is refused rather than silently checking nothing', async () => {
    const issues = await parseIssues(
      withSchema(`
      type: object
      properties:
        email: { type: string }
      requried: [email]
    `),
    );

    expect(brief(issues)).toEqual(["12:7 schema.requried: unknown keyword 'requried'; did you mean 'required'?"]);
  });

  test('an unsupported $schema is refused, naming the dialects that are', async () => {
    const issues = await parseIssues(
      withSchema(`
      $schema: http://json-schema.org/draft-04/schema#
      type: object
    `),
    );

    expect(brief(issues)).toEqual([
      '9:16 schema.$schema: unsupported JSON Schema dialect "http://json-schema.org/draft-04/schema#"; use draft 2020-12 (the default), 2019-09 or draft-07',
    ]);
  });

  test('an invalid schema is reported along with the structural mistakes of the same file', async () => {
    const text = withSchema(`
      type: objct
    `).replace('handler_class: Welcome', 'handler_clas: Welcome');

    expect(brief(await parseIssues(text))).toEqual([
      '5:5 step_templates[0].handler_class: is required',
      "6:5 step_templates[0].handler_clas: unknown key 'handler_clas'; did you mean 'handler_class'?",
      '9:13 schema.type: must be one of array, boolean, integer, null, number, object, string',
    ]);
  });
});
