/**
 * The "Black Friday" load: checkouts sent over HTTP to a running checkout app, and a reconciliation of the shop's
 * tables afterwards. Used by the benchmark in tools/bench and, smaller, by the app's tests.
 */
export { runCheckouts, quantile } from './run-checkouts.js';
export type { CheckoutLoad, LoadResult } from './run-checkouts.js';
export { reconcile, restockAll, RECONCILIATION_RULES } from './reconcile.js';
export type { Reconciliation } from './reconcile.js';
