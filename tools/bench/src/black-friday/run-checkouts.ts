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
  /**
   * A product with less stock than the load asks: every `every`-th checkout adds one of it to its cart. Those carts
   * race for the last pieces: refused at validation, or charged, then out of stock at the inventory update and
   * refunded.
   */
  scarce?: { productId: number; every: number };
  /**
   * Every `cancelEvery`-th checkout is cancelled in flight (0 for none), alternately one paying with `tok_timeout`
   * (cancelled while the processor holds its answer, the charge made: the outcome is uncertain) and one paying with
   * `tok_success` cancelled as soon as its payment, its inventory update or its order (in turn) has started.
   */
  cancelEvery?: number;
  /**
   * The checkouts go to this many merchants in turn (`merchant_id` `m-0`, `m-1`, ...): the checkout takes at most 5
   * payments at once and 100 a minute per merchant, so a load of more than 100 checkouts a minute needs several.
   */
  merchants: number;
}

/** What a checkout of the load is: how it pays, and what may stop it. */
type CheckoutKind = 'ordinary' | 'declined' | 'scarce' | 'cancelled-mid-payment' | 'cancelled';

/** What {@link runCheckouts} measured. */
export interface LoadResult {
  checkouts: number;
  completed: number;
  failed: number;
  /** Checkouts sent with a declining card: the failures there must be. */
  declined: number;
  /** Checkouts whose cart asked for the scarce product. */
  scarceCarts: number;
  /** Checkouts the load cancelled in flight. */
  cancelRequests: number;
  /** Checkouts by the outcome their status said (`completed`, `failed`, `cancelled`, `refunded`, ...). */
  outcomes: Record<string, number>;
  /**
   * Checkouts that did not complete although nothing should have stopped them: a good card, products in stock, not
   * cancelled (must be none).
   */
  failedWithGoodCard: string[];
  elapsedMs: number;
  /** From the `POST /checkout` to the status answer that showed the outcome, sorted. */
  completionMs: number[];
  /** The most charges the simulated payment processor had in flight at once, per merchant (`GET /stats`). */
  peakPaymentsInFlight: Record<string, number>;
}

async function json<T>(response: Response, what: string): Promise<T> {
  if (!response.ok) throw new Error(`${what} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** The order's event stream's messages, as far as the load reads them. */
type OrderStreamMessage =
  | { event: 'snapshot'; data: { steps: Array<{ name: string; state: string }> } }
  | { event: 'transition'; data: { step_name: string | null; to: string } };

/** The steps a message of the order's stream says have started: moved to in_progress, or past pending in a snapshot. */
function startedSteps(message: OrderStreamMessage): string[] {
  if (message.event === 'snapshot') {
    return message.data.steps.filter((step) => step.state !== 'pending').map((step) => step.name);
  }
  return message.data.step_name && message.data.to === 'in_progress' ? [message.data.step_name] : [];
}

/**
 * Reads the order's server-sent events until the app ends the stream, which it does once the task has settled,
 * calling `onStepStarted` with each step seen started: the load learns each outcome when it happens, without
 * polling the app.
 */
async function untilSettled(eventsUrl: string, onStepStarted: (stepName: string) => void): Promise<void> {
  const response = await fetch(eventsUrl);
  if (!response.ok || !response.body) throw new Error(`GET ${eventsUrl} answered ${response.status}`);
  const decoder = new TextDecoder();
  let received = '';
  for await (const chunk of response.body) {
    received += decoder.decode(chunk as Uint8Array, { stream: true });
    const messages = received.split('\n\n');
    received = messages.pop() ?? '';
    for (const message of messages) {
      const event = /^event: (\w+)\n/.exec(message)?.[1];
      if (event === 'end') return;
      if (event !== 'snapshot' && event !== 'transition') continue;
      const data: unknown = JSON.parse(message.slice(message.indexOf('data: ') + 6));
      for (const stepName of startedSteps({ event, data } as OrderStreamMessage)) onStepStarted(stepName);
    }
  }
  throw new Error(`${eventsUrl} closed before the task settled`);
}

function kindOf(load: CheckoutLoad, index: number): CheckoutKind {
  if (load.declineEvery > 0 && index % load.declineEvery === 0) return 'declined';
  const cancelEvery = load.cancelEvery ?? 0;
  if (cancelEvery > 0 && index % cancelEvery === 1) {
    return Math.floor(index / cancelEvery) % 2 === 0 ? 'cancelled-mid-payment' : 'cancelled';
  }
  if (load.scarce && index % load.scarce.every === 2) return 'scarce';
  return 'ordinary';
}

const TOKENS: Record<CheckoutKind, string> = {
  ordinary: 'tok_success',
  declined: 'tok_insufficient_funds',
  scarce: 'tok_success',
  'cancelled-mid-payment': 'tok_timeout',
  cancelled: 'tok_success',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The steps a `cancelled` checkout is cancelled in, in turn: each undoes more. */
const CANCELLED_IN = ['process_payment', 'update_inventory', 'create_order'] as const;

/**
 * When checkout `index` of `kind` is cancelled: once the step named has started, after `afterMs`. A `tok_timeout`
 * payment is given time to charge (its answer takes far longer), so the cancel aborts it after the money moved.
 */
function cancelTrigger(kind: CheckoutKind, index: number): { stepName: string; afterMs: number } | undefined {
  if (kind === 'cancelled-mid-payment') return { stepName: 'process_payment', afterMs: 200 };
  if (kind !== 'cancelled') return undefined;
  return { stepName: CANCELLED_IN[index % CANCELLED_IN.length] ?? 'process_payment', afterMs: 0 };
}

/** Cancels checkout `taskId` through the app's Tasker API; one that settled first answers 409, which is fine. */
async function cancelCheckout(baseUrl: string, taskId: string): Promise<void> {
  const response = await fetch(`${baseUrl}/tasker/tasks/${taskId}/cancel`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ reason: 'the shopper cancelled' }),
  });
  if (!response.ok && response.status !== 409) {
    throw new Error(`POST /tasker/tasks/${taskId}/cancel answered ${response.status}: ${await response.text()}`);
  }
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
    scarceCarts: 0,
    cancelRequests: 0,
    outcomes: {},
    failedWithGoodCard: [],
    elapsedMs: 0,
    completionMs: [],
    peakPaymentsInFlight: {},
  };
  let next = 0;
  const checkoutOne = async (index: number) => {
    const kind = kindOf(load, index);
    if (kind === 'declined') result.declined++;
    if (kind === 'scarce') result.scarceCarts++;
    const productId = load.productIds[index % load.productIds.length] ?? 1;
    const cart = [{ product_id: productId, quantity: 1 + (index % 2) }];
    if (kind === 'scarce' && load.scarce) cart.push({ product_id: load.scarce.productId, quantity: 1 });
    const sentAt = performance.now();
    const accepted = await json<{ task_id: string; checkout_url: string }>(
      await fetch(`${load.baseUrl}/checkout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `load-${index}` },
        body: JSON.stringify({
          cart_items: cart,
          payment_info: { token: TOKENS[kind] },
          customer_info: { email: `shopper${index}@example.com`, name: `Shopper ${index}` },
          merchant_id: `m-${index % load.merchants}`,
        }),
      }),
      'POST /checkout',
    );
    const cancelWhen = cancelTrigger(kind, index);
    // Settled (never rejected) while the stream is read, so that a failed cancel is thrown here, not unhandled.
    let cancelled: Promise<PromiseSettledResult<void>[]> | undefined;
    await untilSettled(`${load.baseUrl}/orders/${accepted.task_id}/events`, (stepName) => {
      if (cancelled || stepName !== cancelWhen?.stepName) return;
      result.cancelRequests++;
      cancelled = Promise.allSettled([
        sleep(cancelWhen.afterMs).then(() => cancelCheckout(load.baseUrl, accepted.task_id)),
      ]);
    });
    const [cancel] = (await cancelled) ?? [];
    if (cancel?.status === 'rejected') throw cancel.reason;
    const status = await json<{ status: string }>(await fetch(`${load.baseUrl}${accepted.checkout_url}`), 'status');
    result.completionMs.push(performance.now() - sentAt);
    result.outcomes[status.status] = (result.outcomes[status.status] ?? 0) + 1;
    if (status.status === 'completed') result.completed++;
    else {
      result.failed++;
      if (kind === 'ordinary') result.failedWithGoodCard.push(accepted.task_id);
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
  const stats = await json<{ peak_payments_in_flight_by_merchant: Record<string, number> }>(
    await fetch(`${load.baseUrl}/stats`),
    'GET /stats',
  );
  result.peakPaymentsInFlight = stats.peak_payments_in_flight_by_merchant;
  return result;
}
