/** How {@link runCheckouts} loads a running checkout app. */
export interface CheckoutLoad {
  /** The app's base URL, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  checkouts: number;
  /** Checkouts in flight at once: each worker sends one, waits for its outcome, then sends the next. */
  concurrency: number;
  /** Every `declineEvery`-th checkout pays with `tok_insufficient_funds` (a permanent failure); 0 for none. */
  declineEvery: number;
  /** Products to buy, drawn in turn. */
  productIds: readonly number[];
}

/** What {@link runCheckouts} measured. */
export interface LoadResult {
  checkouts: number;
  completed: number;
  failed: number;
  /** Checkouts sent with a declining card: the failures there must be. */
  declined: number;
  /** Checkouts that failed although their card was good (must be none). */
  failedWithGoodCard: string[];
  elapsedMs: number;
  /** From the `POST /checkout` to the status answer that showed the outcome, sorted. */
  completionMs: number[];
}

async function json<T>(response: Response, what: string): Promise<T> {
  if (!response.ok) throw new Error(`${what} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * Reads the order's server-sent events until the app ends the stream, which it does once the task has settled:
 * the load learns each outcome when it happens, without polling the app.
 */
async function untilSettled(eventsUrl: string): Promise<void> {
  const response = await fetch(eventsUrl);
  if (!response.ok || !response.body) throw new Error(`GET ${eventsUrl} answered ${response.status}`);
  const decoder = new TextDecoder();
  let received = '';
  for await (const chunk of response.body) {
    received += decoder.decode(chunk as Uint8Array, { stream: true });
    if (received.includes('event: end\n')) return;
  }
  throw new Error(`${eventsUrl} closed before the task settled`);
}

/**
 * Sends `checkouts` checkouts over HTTP, `concurrency` at a time, follows each through its live events
 * (`GET /orders/:task_id/events`) until it settles, and reads its outcome from `GET /orders/:task_id/status`.
 */
export async function runCheckouts(load: CheckoutLoad): Promise<LoadResult> {
  const result: LoadResult = {
    checkouts: load.checkouts,
    completed: 0,
    failed: 0,
    declined: 0,
    failedWithGoodCard: [],
    elapsedMs: 0,
    completionMs: [],
  };
  let next = 0;
  const checkoutOne = async (index: number) => {
    const token = load.declineEvery > 0 && index % load.declineEvery === 0 ? 'tok_insufficient_funds' : 'tok_success';
    if (token === 'tok_insufficient_funds') result.declined++;
    const productId = load.productIds[index % load.productIds.length] ?? 1;
    const sentAt = performance.now();
    const accepted = await json<{ task_id: string; checkout_url: string }>(
      await fetch(`${load.baseUrl}/checkout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `load-${index}` },
        body: JSON.stringify({
          cart_items: [{ product_id: productId, quantity: 1 + (index % 2) }],
          payment_info: { token },
          customer_info: { email: `shopper${index}@example.com`, name: `Shopper ${index}` },
        }),
      }),
      'POST /checkout',
    );
    await untilSettled(`${load.baseUrl}/orders/${accepted.task_id}/events`);
    const status = await json<{ status: string }>(await fetch(`${load.baseUrl}${accepted.checkout_url}`), 'status');
    result.completionMs.push(performance.now() - sentAt);
    if (status.status === 'completed') result.completed++;
    else {
      result.failed++;
      if (token !== 'tok_insufficient_funds') result.failedWithGoodCard.push(accepted.task_id);
    }
  };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: load.concurrency }, async () => {
      for (let index = next++; index < load.checkouts; index = next++) await checkoutOne(index);
    }),
  );
  result.elapsedMs = performance.now() - started;
  result.completionMs.sort((a, b) => a - b);
  return result;
}
