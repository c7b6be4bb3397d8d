import { once } from 'node:events';
import { connect } from 'node:net';
import { createEngine, createMemoryStore, type Engine, type TaskStore } from '@tasker/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startApi, testToken, type ApiHarness } from './test-fixtures/api-harness.js';

/** An engine with a one-step template whose followers of the event log (one per open stream) the test counts. */
function countedEngine(): { engine: Engine; store: TaskStore; subscriptions: () => number } {
  const store = createMemoryStore();
  const engine = createEngine({ store })
    .registerHandler('Noop', () => ({ note: 'x'.repeat(200) }))
    .registerTemplate({ namespace: 'demo', name: 'one', version: '1.0.0', steps: [{ name: 'only', handler: 'Noop' }] });
  let subscriptions = 0;
  const follow = engine.events.follow.bind(engine.events);
  engine.events.follow = (options) => {
    const followed = follow(options);
    subscriptions++;
    return (async function* counted() {
      try {
        yield* followed;
      } finally {
        subscriptions--;
      }
    })();
  };
  return { engine, store, subscriptions: () => subscriptions };
}

let api: ApiHarness | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** Opens `GET /tasker/events` on a raw socket; resolves once the headers and `: connected` arrived. */
async function openRawStream(address: string) {
  const { port } = new URL(address);
  const socket = connect(Number(port), '127.0.0.1');
  await once(socket, 'connect');
  socket.write(`GET /tasker/events HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer ${await testToken()}\r\n\r\n`);
  await once(socket, 'data');
  return socket;
}

describe('an event stream whose client leaves', () => {
  it('drops its subscription once the connection closes', async () => {
    const { engine, store, subscriptions } = countedEngine();
    api = await startApi(store, { engine });
    const address = await api.app.listen({ port: 0, host: '127.0.0.1' });
    const sockets = await Promise.all([1, 2, 3].map(() => openRawStream(address)));
    expect(subscriptions()).toBe(3);
    for (const socket of sockets) socket.destroy();
    await expect.poll(subscriptions).toBe(0);
  });
});

describe('an event stream whose client does not read', () => {
  it('is disconnected once its backlog passes the buffer bound, and its subscription is dropped', async () => {
    const { engine, store, subscriptions } = countedEngine();
    api = await startApi(store, { engine, streamBufferBytes: 16_384 });
    const socket = await openRawStream(await api.app.listen({ port: 0, host: '127.0.0.1' }));
    socket.pause(); // and never read again: the kernel's buffers fill, then the server's
    expect(subscriptions()).toBe(1);

    // Events until the server gives up on the client; today's limit is far beyond what a reading client needs.
    for (let batch = 0; batch < 200 && subscriptions() > 0; batch++) {
      const runs = Array.from({ length: 25 }, () => engine.runTask({ namespace: 'demo', name: 'one', context: {} }));
      await Promise.all((await Promise.all(runs)).map(({ taskId }) => engine.waitForTask(taskId)));
    }

    expect(subscriptions()).toBe(0);
    const closed = once(socket, 'close');
    socket.resume();
    await closed;
  }, 60_000);
});
