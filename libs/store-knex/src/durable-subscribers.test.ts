import { describeDurableSubscribers, describeWebhookDelivery } from '@tasker/core/testing';
import { createKnexStore } from './index.js';
import { useTestBackends } from './test-fixtures/test-backends.js';

const databases = useTestBackends();

for (const [name, config] of databases.both('durable-subscribers.sqlite')) {
  describeDurableSubscribers(name, async () => ({
    store: createKnexStore(config()),
    reopen: async () => createKnexStore(config()),
  }));
  describeWebhookDelivery(name, async () => createKnexStore(config()));
}
