import { describe, expect, test } from 'vitest';
import { brief, parseIssues } from '../test-fixtures/issues-of.js';
import { refund } from '../test-fixtures/refund.js';
import { yaml } from '../test-fixtures/yaml.js';

describe('the dependency graph of a template file', () => {
  test('a dependency on an unknown step, on itself and a repeated step name are refused at their lines', async () => {
    const issues = await parseIssues(
      refund(yaml`
        step_templates:
          - name: validate
            handler_class: Validate
          - name: charge
            handler_class: Charge
            depends_on_steps: [validate, valdate, charge]
          - name: validate
            handler_class: Validate
      `),
    );

    expect(issues.map((issue) => issue.code)).toEqual(['UNKNOWN_DEPENDENCY', 'SELF_DEPENDENCY', 'DUPLICATE_STEP']);
    expect(brief(issues)).toEqual([
      "9:34 step_templates[1].depends_on_steps[1]: step 'charge' depends on 'valdate', which is not a step of this template",
      "9:43 step_templates[1].depends_on_steps[2]: step 'charge' depends on itself",
      "10:11 step_templates[2].name: step 'validate' is declared twice",
    ]);
  });

  test('a cycle is refused naming its steps, at the dependency that closes it', async () => {
    const issues = await parseIssues(
      refund(yaml`
        step_templates:
          - name: a
            handler_class: A
            depends_on_step: c
          - name: b
            handler_class: B
            depends_on_step: a
          - name: c
            handler_class: C
            depends_on_step: b
          - name: d
            handler_class: D
      `),
    );

    expect(issues).toEqual([
      {
        file: '<inline>',
        line: 7,
        column: 22,
        path: 'step_templates[0].depends_on_step',
        code: 'DEPENDENCY_CYCLE',
        message: 'dependency cycle: a -> c -> b -> a',
      },
    ]);
  });
});
