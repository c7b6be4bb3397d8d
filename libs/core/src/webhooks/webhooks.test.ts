import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEngine } from '../engine/create-engine.js';
import type { Engine } from '../engine/engine.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import type { WebhookOptions } from './webhook-options.js';
import { verifyWebhookSignature } from './webhook-signature.js';

const SECRET = 'whsec_test';
const PATIENCE = { timeout: 15_000, interval: 20 };

/** A request the receiver got: its headers and its body exactly as sent. */
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local HTTP receiver that records every request and answers with the status `answer` picks. */
async function startReceiver(answer: (request: Received, index: number) => number) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(entry);
      response.statusCode = answer(entry, received.length - 1);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/tasker`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function engineWith(webhook: Omit<WebhookOptions, 'secret'>): Promise<Engine> {
  const engine = createEngine({
    pollIntervalMs: 50,
    webhooks: [{ secret: SECRET, retry: { baseMs: 10, maxMs: 50 }, ...webhook }],
  })
    .registerHandler('reserve', () => ({ units: 1 }))
    .registerHandler('ship', () => ({ shipped: true }));
  engine.registerTemplate({
    namespace: 'shop',
    name: 'order',
    version: '1.0.0',
    steps: [
      { name: 'reserve', handler: 'reserve' },
      { name: 'ship', handler: 'ship', dependsOn: ['reserve'] },
    ],
  });
  await engine.start();
  cleanups.push(() => engine.stop());
  return engine;
}

async function runOrder(engine: Engine): Promise<string> {
  const { taskId } = await engine.runTask({ namespace: 'shop', name: 'order', context: {} });
  await engine.waitForTask(taskId, { timeoutMs: 10_000 });
  return taskId;
}

describe('webhooks', () => {
  it('POSTs signed deliveries, retries one answered 500, and logs both tries', async () => {
    const receiver = await startReceiver((_, index) => (index === 0 ? 500 : 204));
    cleanups.push(receiver.close);
    const engine = await engineWith({
      name: 'orders',
      url: receiver.url,
      events: ['task.completed', 'step.completed'],
    });
    const taskId = await runOrder(engine);
    const logged = await engine.events.read({ types: ['task.completed', 'step.completed'] });
    expect(logged).toHaveLength(3);
    await vi.waitFor(() => expect(receiver.received).toHaveLength(4), PATIENCE);

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
      expect(verifyWebhookSignature({ secret: 'other', header: String(headers['tasker-signature']), body: raw })).toBe(
        false,
      );
    }

    const firstTries = engine.webhookDeliveries({ eventId: logged[0]!.id });
    expect(firstTries.map(({ attempt, outcome, status, error }) => ({ attempt, outcome, status, error }))).toEqual([
      { attempt: 2, outcome: 'delivered', status: 204, error: undefined },
      { attempt: 1, outcome: 'retrying', status: 500, error: 'HTTP 500' },
    ]);
    expect(engine.webhookDeliveries({ webhook: 'orders' })).toHaveLength(4);
    expect(engine.webhookDeliveries({ webhook: 'other' })).toEqual([]);
  });

  it('records a 4xx answer as failed and moves on to the next event', async () => {
    const receiver = await startReceiver(({ headers }) =>
      headers['tasker-event-type'] === 'step.completed' ? 410 : 200,
    );
    cleanups.push(receiver.close);
    const engine = await engineWith({ name: 'strict', url: receiver.url, events: ['step.*', 'task.completed'] });
    await runOrder(engine);
    await vi.waitFor(
      () => expect(engine.webhookDeliveries({ limit: 1 })[0]?.eventType).toBe('task.completed'),
      PATIENCE,
    );
    const deliveries = engine.webhookDeliveries().reverse();
    const completedSteps = deliveries.filter(({ eventType }) => eventType === 'step.completed');
    expect(completedSteps).toHaveLength(2);
    for (const delivery of completedSteps) {
      expect(delivery).toMatchObject({ attempt: 1, outcome: 'failed', status: 410, error: 'HTTP 410' });
    }
    expect(deliveries.at(-1)).toMatchObject({ outcome: 'delivered', status: 200 });
  });

  it('retries a receiver that cannot be reached, logging the network error', async () => {
    const receiver = await startReceiver(() => 200);
    await receiver.close();
    const engine = await engineWith({ name: 'gone', url: receiver.url, events: ['task.completed'] });
    await runOrder(engine);
    await vi.waitFor(() => expect(engine.webhookDeliveries().length).toBeGreaterThanOrEqual(2), PATIENCE);
    const [latest] = engine.webhookDeliveries();
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
