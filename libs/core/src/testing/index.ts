/**
 * Helpers for testing code built on the engine, and the store contract suite every `TaskStore` adapter runs.
 * Imports vitest: use it from tests only.
 */
export { SimulatedClock } from 'xstate';
export { waitForEvent, recordEvents } from './wait-for-event.js';
export { deferred } from './deferred.js';
export type { Deferred } from './deferred.js';
export { describeStoreContract } from './store-contract.js';
export type { StoreFactory } from './store-contract.js';
export { describeEngineBoundary } from './engine-boundary-contract.js';
export { describeWriteIsolation } from './write-isolation-contract.js';
export { describeCompensationResume } from './compensation-resume-contract.js';
export type { ReopenableStore } from './compensation-resume-contract.js';
export { describeDurableSubscribers } from './durable-subscriber-contract.js';
export { describeWebhookDelivery } from './webhook-contract.js';
export { startWebhookReceiver } from './webhook-receiver.js';
export type { ReceivedRequest, WebhookReceiver } from './webhook-receiver.js';
export { storeWith } from './store-with.js';
export { sampleEvent, sampleTask, sampleSteps } from './sample-records.js';
export { describeScheduleFiring } from './schedule-firing-contract.js';
export { describeDeadlines } from './deadline-contract.js';
export { describeThrottlingAcrossWorkers, type ChildStore } from './throttling-contract.js';
export { expectRollupPercentilesOfLongDurations } from './rollup-percentiles.js';
