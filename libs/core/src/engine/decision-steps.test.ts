import { describe, expect, it } from 'vitest';
import type { StepTemplate } from '../domain/template.js';
import { TemplateValidationError } from '../errors/template-validation-error.js';
import { PermanentError } from '../errors/permanent-error.js';
import type { StepContext } from '../handlers/step-context.js';
import { startFixture, stepTrail } from '../test-fixtures/engine-fixture.js';

/** choose -> (express -> track_express | standard) -> notify: two deferred branches and a join. */
const shipping: StepTemplate[] = [
  { name: 'choose', type: 'decision', handler: 'choose' },
  { name: 'express', handler: 'ship', dependsOn: ['choose'], deferred: true, compensate: { handler: 'recall' } },
  { name: 'track_express', handler: 'ship', dependsOn: ['express'] },
  { name: 'standard', handler: 'ship', dependsOn: ['choose'], deferred: true, compensate: { handler: 'recall' } },
  { name: 'notify', handler: 'notify', dependsOn: ['track_express', 'standard'] },
];

const choose = (ctx: StepContext) => ({ activate: [(ctx.task.context as { speed: string }).speed] });

async function shippingFixture(notify: (ctx: StepContext) => string = () => 'sent') {
  const ran: string[] = [];
  const recalled: string[] = [];
  const fixture = await startFixture(
    shipping,
    { choose, ship: (ctx) => ran.push(ctx.step.name) && ctx.step.name, notify },
    {
      compensations: {
        recall: async (ctx) => {
          recalled.push(ctx.step.name);
        },
      },
    },
  );
  return { ...fixture, ran, recalled };
}

const statesOf = (steps: { name: string; state: string }[]) => Object.fromEntries(steps.map((s) => [s.name, s.state]));

describe('decision steps', () => {
  it('runs the branch a decision activates, skips the other (with its steps that depend only on it) and runs the join once', async () => {
    const { engine, events, run, ran } = await shippingFixture();
    const taskId = await run({ speed: 'standard' });
    const task = await engine.waitForTask(taskId);
    expect(task.state).toBe('completed');
    expect(statesOf(task.steps)).toEqual({
      choose: 'completed',
      express: 'skipped',
      track_express: 'skipped',
      standard: 'completed',
      notify: 'completed',
    });
    expect(ran).toEqual(['standard']);
    const trail = stepTrail(events, taskId);
    expect(trail.filter((entry) => entry.startsWith('step.skipped'))).toEqual([
      'step.skipped:express',
      'step.skipped:track_express',
    ]);
    expect(trail.indexOf('step.skipped:express')).toBeLessThan(trail.indexOf('step.started:standard'));
    expect(trail.filter((entry) => entry === 'step.completed:notify')).toHaveLength(1);
  });

  it('runs the other branch and its chain when the decision chooses it', async () => {
    const { engine, run, ran } = await shippingFixture();
    const task = await engine.waitForTask(await run({ speed: 'express' }));
    expect(task.state).toBe('completed');
    expect(statesOf(task.steps)).toMatchObject({
      express: 'completed',
      track_express: 'completed',
      standard: 'skipped',
    });
    expect(ran).toEqual(['express', 'track_express']);
  });

  it('fails the decision step for good when it activates a step that is not one of its deferred dependants', async () => {
    const { engine, run, ran } = await shippingFixture();
    const task = await engine.waitForTask(await run({ speed: 'notify' }));
    expect(task.state).toBe('failed');
    const decision = task.steps.find((step) => step.name === 'choose')!;
    expect(decision).toMatchObject({ state: 'failed', attempts: 1 });
    expect(decision.error).toMatchObject({ code: 'INVALID_DECISION' });
    expect(decision.error?.message).toBe(
      `decision step 'choose' activated "notify", not among its deferred dependants (express, standard)`,
    );
    expect(statesOf(task.steps)).toMatchObject({ express: 'pending', standard: 'pending' });
    expect(ran).toEqual([]);
  });

  it("takes an operator's resolution of a failed decision as its decision: the branch named runs, the other is skipped", async () => {
    const { engine, run, ran } = await shippingFixture();
    const taskId = await run({ speed: 'notify' });
    expect((await engine.waitForTask(taskId)).state).toBe('failed');
    await engine.resolveStep(taskId, 'choose', { activate: ['express', 'notify'] }, { by: 'ops' });
    const task = await engine.waitForTask(taskId);
    expect(task.state).toBe('resolved_manually');
    // Names that are not deferred dependants of the decision are ignored.
    expect(statesOf(task.steps)).toEqual({
      choose: 'resolved_manually',
      express: 'completed',
      track_express: 'completed',
      standard: 'skipped',
      notify: 'completed',
    });
    expect(ran).toEqual(['express', 'track_express']);
  });

  it('fails the decision step for good when its result is not a decision', async () => {
    const { engine, run } = await startFixture(
      [shipping[0]!, { name: 'express', handler: 'ship', dependsOn: ['choose'], deferred: true }],
      { choose: () => 'express', ship: () => null },
    );
    const task = await engine.waitForTask(await run());
    expect(task.steps[0]).toMatchObject({ state: 'failed', attempts: 1, error: { code: 'INVALID_DECISION' } });
    expect(task.steps[0]?.error?.message).toBe("decision step 'choose' must return { activate: [step names] }");
  });

  it('skips every deferred dependant when the decision activates none, and the join whose dependencies were all skipped', async () => {
    const { engine, run } = await startFixture(
      shipping,
      { choose: () => ({ activate: [] }), ship: () => null, notify: () => 'sent' },
      {
        compensations: { recall: async () => undefined },
      },
    );
    const task = await engine.waitForTask(await run());
    expect(task.state).toBe('completed');
    expect(statesOf(task.steps)).toMatchObject({ express: 'skipped', standard: 'skipped', notify: 'skipped' });
  });

  it('compensates the branch taken and leaves the skipped one alone when a later step fails', async () => {
    const { engine, run, recalled } = await shippingFixture(() => {
      throw new PermanentError('mailer down');
    });
    const task = await engine.waitForTask(await run({ speed: 'express' }));
    expect(task.state).toBe('failed');
    expect(recalled).toEqual(['express']);
    expect(statesOf(task.steps)).toMatchObject({ express: 'compensated', standard: 'skipped' });
  });

  it('refuses at registration a deferred step that depends on no decision step, and a bypassable decision', async () => {
    const { engine } = await startFixture([{ name: 'a', handler: 'a' }], { a: () => null });
    const register = (steps: StepTemplate[]) => () =>
      engine.registerTemplate({ namespace: 'test', name: 'bad', version: '1.0.0', steps });
    expect(
      register([
        { name: 'a', handler: 'a' },
        { name: 'b', handler: 'a', dependsOn: ['a'], deferred: true },
      ]),
    ).toThrow(TemplateValidationError);
    expect(
      register([
        { name: 'a', handler: 'a' },
        { name: 'b', handler: 'a', dependsOn: ['a'], deferred: true },
      ]),
    ).toThrow("steps[1].deferred: deferred step 'b' must depend on a decision step, which activates it");
    expect(register([{ name: 'd', type: 'decision', handler: 'a', skippable: true }])).toThrow(
      "steps[0].skippable: decision step 'd' cannot be bypassed",
    );
    expect(register([{ name: 'd', type: 'decision' }])).toThrow('steps[0].handler: is required');
  });
});
