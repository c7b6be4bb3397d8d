import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { parseTemplate } from '../index.js';
import { parseIssues } from '../test-fixtures/issues-of.js';

/** A DAG over steps s0..s(n-1) in which each step depends only on earlier ones: acyclic by construction. */
const dag = fc.integer({ min: 1, max: 12 }).chain((size) =>
  fc.tuple(
    fc.constant(size),
    fc
      .array(fc.subarray([...Array(size).keys()]), { minLength: size, maxLength: size })
      .map((picks) => picks.map((candidates, index) => candidates.filter((dependency) => dependency < index))),
  ),
);

/** A DAG plus a cycle through 2 or more distinct steps of it, in a random order. */
const cyclic = dag
  .filter(([size]) => size >= 2)
  .chain(([size, dependsOn]) =>
    fc.tuple(fc.constant(size), fc.constant(dependsOn), fc.shuffledSubarray([...Array(size).keys()], { minLength: 2 })),
  );

function toYaml(dependsOn: number[][], order: number[]): string {
  return stringify({
    name: 'generated',
    namespace_name: 'property',
    version: '1.0.0',
    step_templates: order.map((index) => ({
      name: `s${index}`,
      handler_class: 'Step',
      ...(dependsOn[index]!.length > 0
        ? { depends_on_steps: dependsOn[index]!.map((dependency) => `s${dependency}`) }
        : {}),
    })),
  });
}

describe('dependency graphs', () => {
  test('any generated DAG without a cycle loads, whatever order its steps are written in', () => {
    fc.assert(
      fc.property(
        dag.chain(([size, dependsOn]) =>
          fc.tuple(fc.constant(dependsOn), fc.shuffledSubarray([...Array(size).keys()], { minLength: size })),
        ),
        ([dependsOn, order]) => {
          const template = parseTemplate(toYaml(dependsOn, order), { env: 'test' });
          expect(template.steps).toHaveLength(order.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('any generated graph with a cycle is refused, naming a cycle that is really in it', async () => {
    await fc.assert(
      fc.asyncProperty(cyclic, async ([size, dependsOn, loop]) => {
        const withCycle = dependsOn.map((dependencies) => [...dependencies]);
        loop.forEach((step, at) => {
          const next = loop[(at + 1) % loop.length]!;
          if (!withCycle[step]!.includes(next)) withCycle[step]!.push(next);
        });

        const issues = await parseIssues(toYaml(withCycle, [...Array(size).keys()]), { env: 'test' });

        expect(issues.map((issue) => issue.code)).toEqual(['DEPENDENCY_CYCLE']);
        const named = /dependency cycle: (.*)$/
          .exec(issues[0]!.message)![1]!
          .split(' -> ')
          .map((name) => Number(name.slice(1)));
        expect(named.at(0)).toBe(named.at(-1));
        for (let at = 0; at + 1 < named.length; at++) expect(withCycle[named[at]!]).toContain(named[at + 1]);
        expect(issues[0]!.path).toMatch(/^step_templates\[\d+\]\.depends_on_steps\[\d+\]$/);
      }),
      { numRuns: 200 },
    );
  });
});
