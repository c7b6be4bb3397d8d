import { describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { chain, startFixture } from '../test-fixtures/engine-fixture.js';

describe('the XState inspector', () => {
  it('receives the inspection events of every task actor and its step actors', async () => {
    const inspected: InspectionEvent[] = [];
    const { engine, run } = await startFixture(
      chain('validate', 'charge'),
      { validate: () => 1, charge: () => 2 },
      {
        inspect: (event) => inspected.push(event),
      },
    );
    await engine.waitForTask(await run());
    const snapshots = inspected.filter((event) => event.type === '@xstate.snapshot');
    const machineIds = new Set(
      snapshots
        .map((event) => (event.actorRef.getSnapshot() as { machine?: { id: string } }).machine?.id)
        .filter(Boolean),
    );
    expect(machineIds).toEqual(new Set(['task', 'step']));
    const events = inspected
      .filter((event) => event.type === '@xstate.event')
      .map((event) => (event as { event: { type: string } }).event.type);
    expect(events).toEqual(expect.arrayContaining(['START', 'xstate.done.actor.validate']));
  });
});
