import { describe, expect, it } from 'vitest';
import { checkoutBody, postCheckout, TEST_SIMULATION, useTestApp } from './test-fixtures/test-app.js';

// Each service call takes 100 ms: the stream is open before the payment is refused, and so sees the retry.
const test = useTestApp({ simulation: { ...TEST_SIMULATION, latencyMs: { min: 100, max: 100 } } });

/** Reads `GET /orders/:id/events` until its `end` event; answers each event's name and data, in order. */
async function readOrderEvents(url: string, taskId: string): Promise<Array<{ event: string; data: unknown }>> {
  const response = await fetch(`${url}/orders/${taskId}/events`);
  const text = await response.text(); // the server ends the stream once the order has settled
  return text
    .split('\n\n')
    .map((block) => ({
      event: /^event: (.*)$/m.exec(block)?.[1],
      data: /^data: (.*)$/m.exec(block)?.[1],
    }))
    .filter((entry): entry is { event: string; data: string } => entry.event !== undefined && entry.data !== undefined)
    .map(({ event, data }) => ({ event, data: JSON.parse(data) as unknown }));
}

describe("an order's event stream", () => {
  it('sends each transition with its step, attempt, error and retry time where it has them, and null where not', async () => {
    const { body } = await postCheckout(test.url, checkoutBody('tok_rate_limited'));
    const events = await readOrderEvents(test.url, body.task_id as string);
    const transitions = events.filter(({ event }) => event === 'transition').map(({ data }) => data);

    // The stream opens after the checkout answered: the log still replays the order's first moves.
    expect(transitions.slice(0, 2)).toEqual([
      expect.objectContaining({ type: 'task.started', step_name: null, from: 'pending', to: 'in_progress' }),
      expect.objectContaining({ type: 'step.started', step_name: 'validate_cart', from: 'pending', to: 'in_progress' }),
    ]);
    const keys = ['type', 'step_name', 'from', 'to', 'attempt', 'error', 'next_retry_at'];
    for (const transition of transitions) expect(Object.keys(transition as object).sort()).toEqual(keys.sort());
    expect(transitions).toContainEqual({
      type: 'step.retry_scheduled',
      step_name: 'process_payment',
      from: 'in_progress',
      to: 'waiting_for_retry',
      attempt: 1,
      error: expect.stringContaining('rate'),
      next_retry_at: expect.any(Number),
    });
    expect(transitions).toContainEqual({
      type: 'step.completed',
      step_name: 'process_payment',
      from: 'in_progress',
      to: 'completed',
      attempt: 2,
      error: null,
      next_retry_at: null,
    });
    expect(transitions.at(-1)).toEqual({
      type: 'task.completed',
      step_name: null,
      from: 'in_progress',
      to: 'completed',
      attempt: null,
      error: null,
      next_retry_at: null,
    });
    expect(events.at(-1)?.event).toBe('end');

    // A page opened once the order has settled gets the same history, then `end`.
    const late = await readOrderEvents(test.url, body.task_id as string);
    expect(late.filter(({ event }) => event === 'transition').map(({ data }) => data)).toEqual(transitions);
    expect(late.at(-1)?.event).toBe('end');
  });
});
