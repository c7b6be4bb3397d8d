import { describe, expect, it } from 'vitest';
import { FaultPlan } from './fault-plan.js';

/** Calls `service` for `key` until a call goes through; answers the faults met on the way. */
function faultsUntilThrough(plan: FaultPlan, service: string, key: string): string[] {
  const faults: string[] = [];
  for (let fault = plan.next(service, key); fault; fault = plan.next(service, key)) faults.push(fault);
  return faults;
}

describe('FaultPlan', () => {
  it('makes about the configured share of requests faulty, each failing 1 to maxRepeats times and then never again', () => {
    const plan = new FaultPlan({ rate: 0.15, maxRepeats: 2 });
    const repeats = Array.from(
      { length: 4_000 },
      (_, index) => faultsUntilThrough(plan, 'payments', `task-${index}`).length,
    );
    const faulty = repeats.filter((count) => count > 0).length;
    expect(faulty / repeats.length).toBeGreaterThan(0.12);
    expect(faulty / repeats.length).toBeLessThan(0.18);
    expect(new Set(repeats)).toEqual(new Set([0, 1, 2]));
    expect(Array.from({ length: 4_000 }, (_, index) => plan.next('payments', `task-${index}`))).toEqual(
      Array(4_000).fill(undefined),
    );
  });

  it('draws each service apart: a request faulty at one service may be sound at another', () => {
    const plan = new FaultPlan({ rate: 0.5, maxRepeats: 1 });
    const keys = Array.from({ length: 200 }, (_, index) => `task-${index}`);
    const atPayments = keys.filter((key) => plan.next('payments', key));
    const atMailer = keys.filter((key) => plan.next('mailer', key));
    expect(atPayments).not.toEqual(atMailer);
  });

  it('strikes both before and after the work', () => {
    const plan = new FaultPlan({ rate: 1, maxRepeats: 1 });
    const points = new Set(Array.from({ length: 100 }, (_, index) => plan.next('mailer', `task-${index}`)));
    expect(points).toEqual(new Set(['before', 'after']));
  });

  it('injects nothing at rate 0', () => {
    const plan = new FaultPlan({ rate: 0, maxRepeats: 2 });
    expect(Array.from({ length: 100 }, (_, index) => plan.next('payments', `task-${index}`))).toEqual(
      Array(100).fill(undefined),
    );
  });
});
