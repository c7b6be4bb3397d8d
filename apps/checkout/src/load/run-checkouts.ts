import type { TestToken } from '../services/payment-processor.js';

/** How {@link runCheckouts} loads a running checkout app. */
export interface CheckoutLoad {
  /** The app's base URL, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  checkouts: number;
  /** Checkouts in flight at once: each worker sends one, waits for its outcome, then sends the next. */
  concurrency: number;
  /** Every `declineEvery`-th checkout pays with `tok_insufficient_funds` (a permanent failure); 0 for none. */
  declineEvery: number;
  /** How often a worker asks for its checkout's status. */
  pollMs: number;
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

/** The value at quantile `q` (0 to 1) of `sorted`. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

/**
 * Sends `checkouts` checkouts over HTTP, `concurrency` at a time, and follows each through
 * `GET /orders/:task_id/status` until it completes or fails.
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
    const token: TestToken =
      load.declineEvery > 0 && index % load.declineEvery === 0 ? 'tok_insufficient_funds' : 'tok_success';
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
    for (;;) {
      const status = await json<{ status: string }>(await fetch(`${load.baseUrl}${accepted.checkout_url}`), 'status');
      if (status.status !== 'processing') {
        result.completionMs.push(performance.now() - sentAt);
        if (status.status === 'completed') result.completed++;
        else {
          result.failed++;
          if (token !== 'tok_insufficient_funds') result.failedWithGoodCard.push(accepted.task_id);
        }
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, load.pollMs));
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
