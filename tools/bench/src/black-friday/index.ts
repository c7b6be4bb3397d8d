/**
 * The "Black Friday" load: checkouts sent over HTTP to a running checkout app, and a reconciliation of the shop's
 * tables afterwards. Used by `npm run bench:black-friday` and, smaller, by the tests of apps/checkout
 * (imported as `@tasker/bench/black-friday`).
 */
export { runCheckouts } from './run-checkouts.js';
export type { CheckoutLoad, LoadResult } from './run-checkouts.js';
export { addScarceProduct, reconcile, restockAll, RECONCILIATION_RULES } from './reconcile.js';
export type { Reconciliation, ScarceProduct } from './reconcile.js';
