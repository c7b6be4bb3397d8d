/**
 * A worker process for the crash case of `describeThrottlingAcrossWorkers`: it opens the store at argv[2] (Redis
 * keys under the prefix argv[3]), runs one `shop/pay` task for merchant argv[4] whose handler never returns, so its
 * step holds the key's only slot, prints `holding` and waits to be killed. Run with the real clock: its slot's lease
 * ends `leaseMs` after its last renewal.
 */
import { createEngine } from '../engine/create-engine.js';
import { silentLogger } from '../ports/logger.js';
import { createStoreFromUrl } from '../store-url/create-store-from-url.js';
import { PAY_TEMPLATE } from './pay-template.js';

const [url, prefix, merchant] = process.argv.slice(2) as [string, string, string];
const store = await createStoreFromUrl(url, { prefix });
const engine = createEngine({ store, logger: silentLogger, workerId: 'doomed-worker', leaseMs: 3_000 });
engine.registerHandler('pay', () => {
  process.stdout.write('holding\n');
  return new Promise(() => {});
});
engine.registerTemplate(PAY_TEMPLATE(1));
await engine.start();
await engine.runTask({ namespace: 'shop', name: 'pay', context: { merchant_id: merchant } });
