import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventPattern } from '../domain/events.js';
import type { Engine } from '../engine/engine.js';
import type { TaskStore } from '../store/task-store.js';
import { verifyWebhookSignature } from '../webhooks/webhook-signature.js';
import { orderEngine, PATIENCE, runOrder, uniqueNamespace } from './order-engine.js';
import { startWebhookReceiver, type ReceivedRequest, type WebhookReceiver } from './webhook-receiver.js';

const SECRET = 'whsec_test';

/**
 * That webhooks deliver on a store: signed POSTs a local receiver checks, a delivery answered 500 retried and
 * delivered with both tries in the delivery log, a 4xx recorded as failed and skipped.
 *
 * @example
 * describeWebhookDelivery('PostgreSQL', async () => createKnexStore(config));
 */
export function describeWebhookDelivery(name: string, makeStore: () => Promise<TaskStore>): void {
  describe(`webhook delivery: ${name}`, () => {
    let cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
      cleanups = [];
    });

    /** A receiver answering as `answer` says, and a started engine whose webhook sends it `events` of a new namespace. */
    async function deliveringTo(
      answer: (request: ReceivedRequest, index: number) => number,
      events: EventPattern[],
    ): Promise<{ receiver: WebhookReceiver; engine: Engine; namespace: string; webhook: string }> {
      const receiver = await startWebhookReceiver(answer);
      cleanups.push(receiver.close);
      const store = await makeStore();
      cleanups.push(() => store.close());
      const namespace = uniqueNamespace();
      const webhook = `${namespace}:hook`;
      const engine = orderEngine(store, namespace, {
        webhooks: [
          { name: webhook, url: receiver.url, events, namespace, secret: SECRET, retry: { baseMs: 10, maxMs: 50 } },
        ],
      });
      await engine.start();
      cleanups.push(() => engine.stop());
      return { receiver, engine, namespace, webhook };
    }

    it('POSTs signed deliveries, retries one answered 500, and logs both tries', async () => {
      const { receiver, engine, namespace, webhook } = await deliveringTo(
        (_, index) => (index === 0 ? 500 : 204),
        ['task.completed', 'step.completed'],
      );
      const taskId = await runOrder(engine, namespace);
      const logged = await engine.events.read({ types: ['task.completed', 'step.completed'], namespace });
      expect(logged).toHaveLength(3);
      await vi.waitFor(() => expect(receiver.received).toHaveLength(4), PATIENCE);
      // The engine records a try once its answer came: the log may trail the receiver by a moment.
      await vi.waitFor(async () => expect(await engine.webhookDeliveries({ webhook })).toHaveLength(4), PATIENCE);

      // The first event twice (answered 500, then delivered), then the others once, in the log's order.
      const sent = receiver.received.map(({ headers, body }) => ({ headers, body: JSON.parse(body) }));
      expect(sent.map(({ body }) => body.id)).toEqual([logged[0]!.id, ...logged.map(({ id }) => id)]);
      for (const [index, { headers, body }] of sent.entries()) {
        const event = logged.find(({ id }) => id === body.id)!;
        expect(body).toEqual({ id: event.id, ...event.event });
        expect(body.taskId).toBe(taskId);
        expect(headers['content-type']).toBe('application/json');
        expect(headers['tasker-event-id']).toBe(event.id);
        expect(headers['tasker-event-type']).toBe(event.event.type);
        // The signature, checked as a receiver would with nothing but node:crypto.
        const raw = receiver.received[index]!.body;
        const [, timestamp, signature] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(headers['tasker-signature']))!;
        expect(createHmac('sha256', SECRET).update(`${timestamp}.${raw}`).digest('hex')).toBe(signature);
        expect(Math.abs(Number(timestamp) - Date.now() / 1_000)).toBeLessThan(60);
        expect(verifyWebhookSignature({ secret: SECRET, header: String(headers['tasker-signature']), body: raw })).toBe(
          true,
        );
        expect(
          verifyWebhookSignature({ secret: SECRET, header: String(headers['tasker-signature']), body: `${raw} ` }),
        ).toBe(false);
        expect(
          verifyWebhookSignature({ secret: 'other', header: String(headers['tasker-signature']), body: raw }),
        ).toBe(false);
      }

      const firstTries = await engine.webhookDeliveries({ eventId: logged[0]!.id });
      expect(firstTries.map(({ attempt, outcome, status, error }) => ({ attempt, outcome, status, error }))).toEqual([
        { attempt: 2, outcome: 'delivered', status: 204, error: undefined },
        { attempt: 1, outcome: 'retrying', status: 500, error: 'HTTP 500' },
      ]);
      expect(await engine.webhookDeliveries({ webhook: 'other' })).toEqual([]);
    });

    it('records a 4xx answer as failed and moves on to the next event', async () => {
      const { engine, namespace, webhook } = await deliveringTo(
        ({ headers }) => (headers['tasker-event-type'] === 'step.completed' ? 410 : 200),
        ['step.*', 'task.completed'],
      );
      await runOrder(engine, namespace);
      await vi.waitFor(
        async () =>
          expect((await engine.webhookDeliveries({ webhook, limit: 1 }))[0]?.eventType).toBe('task.completed'),
        PATIENCE,
      );
      const deliveries = (await engine.webhookDeliveries({ webhook })).reverse();
      const completedSteps = deliveries.filter(({ eventType }) => eventType === 'step.completed');
      expect(completedSteps).toHaveLength(2);
      for (const delivery of completedSteps) {
        expect(delivery).toMatchObject({ attempt: 1, outcome: 'failed', status: 410, error: 'HTTP 410' });
      }
      expect(deliveries.at(-1)).toMatchObject({ outcome: 'delivered', status: 200 });
    });
  });
}
