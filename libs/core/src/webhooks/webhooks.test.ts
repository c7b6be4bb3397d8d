import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEngine } from '../engine/create-engine.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import { createMemoryStore } from '../store/memory-store.js';
import { describeWebhookDelivery, startWebhookReceiver } from '../testing/index.js';
import { orderEngine, PATIENCE, runOrder } from '../testing/order-engine.js';
import type { WebhookOptions } from './webhook-options.js';

const SECRET = 'whsec_test';

describeWebhookDelivery('memory', async () => createMemoryStore());

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

describe('webhooks', () => {
  it('retries a receiver that cannot be reached, logging the network error', async () => {
    const receiver = await startWebhookReceiver(() => 200);
    await receiver.close();
    const engine = orderEngine(createMemoryStore(), 'shop', {
      webhooks: [{ url: receiver.url, events: ['task.completed'], secret: SECRET, retry: { baseMs: 10, maxMs: 50 } }],
    });
    await engine.start();
    cleanups.push(() => engine.stop());
    await runOrder(engine, 'shop');
    await vi.waitFor(async () => expect((await engine.webhookDeliveries()).length).toBeGreaterThanOrEqual(2), PATIENCE);
    const [latest] = await engine.webhookDeliveries();
    expect(latest).toMatchObject({ outcome: 'retrying', eventType: 'task.completed' });
    expect(latest!.attempt).toBeGreaterThanOrEqual(2);
    expect(latest!.error).toMatch(/ECONNREFUSED/);
  });

  it.each([
    [{ url: 'not a url' }, "webhooks[0].url: 'not a url' is not a valid URL"],
    [
      { url: 'ftp://example.com/hook' },
      'webhooks[0].url: ' + "'ftp://example.com/hook' must be an http: or https: URL",
    ],
    [{ secret: '' }, 'webhooks[0].secret: must be a non-empty string'],
    [{ events: ['task.finished'] }, "webhooks[0].events[0]: 'task.finished' is no event type"],
    [{ events: [] }, 'webhooks[0].events: must be a non-empty array'],
    [{ timeoutMs: 0 }, 'webhooks[0].timeoutMs: must be a positive number of ms'],
  ])('refuses a webhook with %j', (override, message) => {
    const webhook = { url: 'https://example.com/hook', events: ['task.completed'], secret: SECRET, ...override };
    const create = () => createEngine({ webhooks: [webhook as WebhookOptions] });
    expect(create).toThrow(InvalidRequestError);
    expect(create).toThrow(message);
  });

  it('refuses webhooks on an engine that logs no event', () => {
    const webhook: WebhookOptions = { url: 'https://example.com/hook', events: ['*'], secret: SECRET };
    expect(() => createEngine({ eventLog: false, webhooks: [webhook] })).toThrow(
      'eventLog: is false, so the store logs no event',
    );
  });

  it('refuses two webhooks with one name', () => {
    const webhook: WebhookOptions = { url: 'https://example.com/hook', events: ['*'], secret: SECRET };
    expect(() => createEngine({ webhooks: [webhook, webhook] })).toThrow(
      "a subscriber named 'webhook:https://example.com/hook' is registered already",
    );
  });
});
