import { describe, expect, it } from 'vitest';
import type { TaskTemplate } from '../domain/template.js';
import { createEngine } from '../engine/create-engine.js';
import { TemplateValidationError } from '../errors/template-validation-error.js';
import { TaskHandler } from '../handlers/task-handler.js';
import { StepHandler } from '../handlers/step-handler.js';
import { CompensationHandler } from '../handlers/compensation-handler.js';

function engineWithHandlers() {
  return createEngine()
    .registerHandler('ok', () => null)
    .registerHandler('Hooks', class extends TaskHandler {});
}

const template = (steps: TaskTemplate['steps'], extra: Partial<TaskTemplate> = {}): TaskTemplate => ({
  namespace: 'shop',
  name: 'order',
  version: '1.0.0',
  steps,
  ...extra,
});

function refusal(candidate: TaskTemplate): TemplateValidationError {
  try {
    engineWithHandlers().registerTemplate(candidate);
  } catch (error) {
    if (error instanceof TemplateValidationError) return error;
    throw error;
  }
  throw new Error('template was accepted');
}

describe('template registration refusals', () => {
  it('refuses an unknown step handler, naming the step and the handler', () => {
    const error = refusal(template([{ name: 'pay', handler: 'Payments::Charge' }]));
    expect(error.code).toBe('INVALID_TEMPLATE');
    expect(error.message).toBe(
      "Template shop/order@1.0.0 is invalid:\n  - steps[0].handler: step 'pay' names handler 'Payments::Charge', which is not registered as a step handler",
    );
  });

  it('refuses a task handler used as a step handler and an unknown task handler', () => {
    const error = refusal(template([{ name: 'pay', handler: 'Hooks' }], { taskHandler: 'Missing' }));
    expect(error.problems.map((problem) => [problem.code, problem.path])).toEqual([
      ['UNKNOWN_HANDLER', 'taskHandler'],
      ['UNKNOWN_HANDLER', 'steps[0].handler'],
    ]);
    expect(error.problems[0]?.message).toBe("task handler 'Missing' is not registered");
  });

  it('refuses an unknown dependency and a step depending on itself', () => {
    const error = refusal(
      template([
        { name: 'a', handler: 'ok', dependsOn: ['ghost'] },
        { name: 'b', handler: 'ok', dependsOn: ['b'] },
      ]),
    );
    expect(error.problems).toEqual([
      {
        code: 'UNKNOWN_DEPENDENCY',
        path: 'steps[0].dependsOn[0]',
        message: "step 'a' depends on 'ghost', which is not a step of this template",
      },
      { code: 'SELF_DEPENDENCY', path: 'steps[1].dependsOn[0]', message: "step 'b' depends on itself" },
    ]);
  });

  it('refuses a cycle, naming its steps in order', () => {
    const error = refusal(
      template([
        { name: 'a', handler: 'ok', dependsOn: ['c'] },
        { name: 'b', handler: 'ok', dependsOn: ['a'] },
        { name: 'c', handler: 'ok', dependsOn: ['b'] },
        { name: 'd', handler: 'ok' },
      ]),
    );
    expect(error.problems).toEqual([
      { code: 'DEPENDENCY_CYCLE', path: 'steps', message: 'dependency cycle: a -> c -> b -> a' },
    ]);
  });

  it('refuses duplicate steps, an empty template and impossible settings', () => {
    expect(
      refusal(
        template([
          { name: 'a', handler: 'ok' },
          { name: 'a', handler: 'ok' },
        ]),
      ).problems[0],
    ).toEqual({
      code: 'DUPLICATE_STEP',
      path: 'steps[1].name',
      message: "step 'a' is declared twice",
    });
    expect(refusal(template([])).problems.map((problem) => problem.code)).toEqual(['EMPTY_TEMPLATE']);
    const settings = refusal(
      template([{ name: 'a', handler: 'ok', retryLimit: 1.5, timeoutMs: 0, backoff: { factor: 0.5, jitter: 2 } }], {
        version: 'v1',
      }),
    );
    expect(settings.problems.map((problem) => `${problem.path}: ${problem.message}`)).toEqual([
      "version: 'v1' is not a semantic version (1.2.3)",
      'steps[0].retryLimit: must be a whole number of retries, 0 or more',
      'steps[0].timeoutMs: must be a positive number of milliseconds',
      'steps[0].backoff.factor: must be 1 or more',
      'steps[0].backoff.jitter: must be between 0 and 1',
    ]);
  });

  it('refuses the same namespace, name and version twice, but takes another version', () => {
    const engine = engineWithHandlers().registerTemplate(template([{ name: 'a', handler: 'ok' }]));
    expect(() => engine.registerTemplate(template([{ name: 'a', handler: 'ok' }]))).toThrow(
      'Template shop/order@1.0.0 is registered already',
    );
    expect(() => engine.registerTemplate(template([{ name: 'a', handler: 'ok' }], { version: '1.1.0' }))).not.toThrow();
  });

  it('refuses a handler registration that is no kind of handler', () => {
    expect(() => createEngine().registerHandler('x', class Plain {} as never)).toThrow(
      "Handler 'x' is a class that extends none of StepHandler, CompensationHandler and TaskHandler",
    );
    expect(() => createEngine().registerHandler('y', 42 as never)).toThrow(
      "Handler 'y' is not a function, StepHandler, CompensationHandler or TaskHandler",
    );
    class Ok extends StepHandler {
      process() {
        return null;
      }
    }
    expect(createEngine().registerHandler('z', Ok).catalog.kindOf('z')).toBe('step');
  });

  it("checks a step's compensation: its handler's kind and its settings, at the compensation's path", () => {
    class Refund extends CompensationHandler {
      async compensate() {}
    }
    class Charge extends StepHandler {
      process() {
        return null;
      }
    }
    const engine = engineWithHandlers().registerHandler('Refund', Refund).registerHandler('Charge', Charge);
    expect(engine.catalog.kindOf('Refund')).toBe('compensation');
    const refused = (compensate: NonNullable<TaskTemplate['steps'][number]['compensate']>, handler = 'ok') => {
      try {
        engine.registerTemplate(template([{ name: 'pay', handler, compensate }]));
      } catch (error) {
        return (error as TemplateValidationError).problems.map((problem) => `${problem.path}: ${problem.message}`);
      }
      return [];
    };
    expect(refused({ handler: 'Missing' })).toEqual([
      "steps[0].compensate.handler: step 'pay' is compensated by 'Missing', which is not registered",
    ]);
    expect(refused({ handler: 'Charge' })).toEqual([
      "steps[0].compensate.handler: step 'pay' is compensated by 'Charge', which is registered as a step handler, not a compensation handler",
    ]);
    expect(refused({ handler: 'ok' }, 'Refund')[0]).toBe(
      "steps[0].handler: step 'pay' names handler 'Refund', which is not registered as a step handler",
    );
    expect(refused({ handler: 'Refund', retryLimit: -1, timeoutMs: 0 })).toEqual([
      'steps[0].compensate.retryLimit: must be a whole number of retries, 0 or more',
      'steps[0].compensate.timeoutMs: must be a positive number of milliseconds',
    ]);
    // A plain function may serve as a step handler or as a compensation.
    expect(refused({ handler: 'ok' })).toEqual([]);
  });
});
