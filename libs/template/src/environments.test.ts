import { afterEach, describe, expect, test, vi } from 'vitest';
import { createEngine } from '@tasker/core';
import { defaultEnvironment, parseTemplate, registerTemplates } from './index.js';
import { brief, issuesOf, parseIssues } from './test-fixtures/issues-of.js';
import { yaml } from './test-fixtures/yaml.js';

const REFUND = yaml`
  name: process_refund
  namespace_name: payments
  version: 1.0.0
  step_templates:
    - name: validate
      handler_class: Validate
    - name: refund
      handler_class: Refund
      depends_on_step: validate
      retry_limit: 3
      timeout: 30000
      backoff: { base_ms: 1000, factor: 2 }
      handler_config:
        gateway: { url: https://gateway.example, region: eu }
        currencies: [EUR, USD]
  environments:
    development:
      step_templates:
        - name: refund
          handler_class: FakeRefund
          retry_limit: 0
          backoff: { base_ms: 10 }
          handler_config:
            gateway: { url: http://localhost:4010 }
            currencies: [EUR]
    production:
      step_templates:
        - name: refund
          timeout: 60000
`;

describe('environment overrides', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  test("the named environment's settings are deep-merged over the step of that name", () => {
    const refund = parseTemplate(REFUND, { env: 'development' }).steps[1];

    expect(refund).toEqual({
      name: 'refund',
      handler: 'FakeRefund',
      dependsOn: ['validate'],
      retryLimit: 0,
      timeoutMs: 30_000,
      backoff: { baseMs: 10, factor: 2 },
      config: { gateway: { url: 'http://localhost:4010', region: 'eu' }, currencies: ['EUR'] },
    });
  });

  test("another environment's overrides do not apply, and steps without overrides are untouched", () => {
    const production = parseTemplate(REFUND, { env: 'production' });
    const staging = parseTemplate(REFUND, { env: 'staging' });

    expect(production.steps[1]).toMatchObject({
      handler: 'Refund',
      retryLimit: 3,
      timeoutMs: 60_000,
      backoff: { baseMs: 1000, factor: 2 },
    });
    expect(staging.steps[1]).toMatchObject({ handler: 'Refund', retryLimit: 3, timeoutMs: 30_000 });
    expect(production.steps[0]).toEqual({ name: 'validate', handler: 'Validate' });
  });

  test('the environment defaults to TASKER_ENV, then NODE_ENV, then development', () => {
    vi.stubEnv('TASKER_ENV', 'production');
    vi.stubEnv('NODE_ENV', 'development');
    expect(defaultEnvironment()).toBe('production');
    expect(parseTemplate(REFUND).steps[1]?.timeoutMs).toBe(60_000);

    vi.stubEnv('TASKER_ENV', '');
    expect(defaultEnvironment()).toBe('development');
    expect(parseTemplate(REFUND).steps[1]?.handler).toBe('FakeRefund');

    vi.stubEnv('NODE_ENV', '');
    expect(defaultEnvironment()).toBe('development');
  });

  test('an override of a step that does not exist is refused in every environment, not only the running one', async () => {
    const text = REFUND.replace(
      '      - name: refund\n        timeout: 60000',
      '      - name: refnud\n        timeout: 60000',
    );

    expect(brief(await parseIssues(text, { env: 'development' }))).toEqual([
      "28:15 environments.production.step_templates[0].name: environment 'production' overrides step 'refnud', which is not a step of this template",
    ]);
  });

  test('the graph cannot change per environment: an override of depends_on_step is refused', async () => {
    const text = REFUND.replace('        timeout: 60000', '        depends_on_step: refund');

    expect(brief(await parseIssues(text, { env: 'production' }))).toEqual([
      "29:9 environments.production.step_templates[0].depends_on_step: 'depends_on_step' cannot be overridden per environment; only a step's settings can",
    ]);
  });

  test("an override's bad value is reported at the override", async () => {
    const text = REFUND.replace('        timeout: 60000', '        timeout: -5\n        retry_limt: 1');

    expect(brief(await parseIssues(text, { env: 'production' }))).toEqual([
      '29:18 environments.production.step_templates[0].timeout: must be a positive number of milliseconds',
      "30:9 environments.production.step_templates[0].retry_limt: unknown key 'retry_limt'; did you mean 'retry_limit'?",
    ]);
  });

  test('an unknown handler set by an override is reported at the override when the template is registered', async () => {
    const engine = createEngine();
    engine.registerHandler('Validate', () => ({})).registerHandler('Refund', () => ({}));

    const issues = await issuesOf(() =>
      registerTemplates(engine, [parseTemplate(REFUND, { env: 'development', file: 'refund.yaml' })]),
    );

    expect(issues).toEqual([
      {
        file: 'refund.yaml',
        line: 20,
        column: 24,
        path: 'environments.development.step_templates[0].handler_class',
        code: 'UNKNOWN_HANDLER',
        message: "step 'refund' names handler 'FakeRefund', which is not registered as a step handler",
      },
    ]);
  });
});
