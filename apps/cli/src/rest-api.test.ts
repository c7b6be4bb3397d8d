import { createMemoryStore } from '@tasker/core';
import { taskerApi, taskerFrameworkErrors } from '@tasker/http';
import Fastify from 'fastify';
import { describeCommands } from './test-fixtures/command-suite.js';
import { runTasker } from './test-fixtures/run-tasker.js';
import { startWorker } from './test-fixtures/worker.js';

const SECRET = 'the secret the API verifies tokens with, long enough';

describeCommands('the REST API', async () => {
  const worker = await startWorker(createMemoryStore());
  const app = Fastify({ frameworkErrors: taskerFrameworkErrors });
  await app.register(taskerApi, { prefix: '/tasker', engine: worker.engine, auth: { secret: SECRET } });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  // The token the commands use is one `tasker token` minted.
  const minted = await runTasker(['token', '--sub', 'ops@example.com', '--permissions', '*', '--namespaces', 'demo'], {
    TASKER_JWT_SECRET: SECRET,
  });
  return {
    kind: 'api',
    args: [],
    env: { TASKER_API_URL: `${address}/tasker`, TASKER_TOKEN: minted.out.trim() },
    worker,
    close: async () => {
      await app.close();
      await worker.stop();
    },
  };
});
