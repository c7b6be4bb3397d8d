import { createEngine, type Engine, type TaskStore } from '@tasker/core';
import Fastify, { type FastifyInstance, type InjectOptions, type LightMyRequestResponse } from 'fastify';
import { SignJWT } from 'jose';
import { PERMISSIONS } from '../auth/permissions.js';
import { taskerApi, taskerFrameworkErrors, type TaskerApiOptions } from '../index.js';
import { checkoutEngine } from './checkout-engine.js';

/** The HS256 secret of test tokens. */
export const TEST_SECRET = 'a test secret that is long enough for HS256';

/** Claims of a test token; every permission and namespace unless narrowed. */
export interface TestClaims {
  permissions?: string[];
  namespaces?: string[];
  sub?: string;
  expiresIn?: string;
  secret?: string;
}

/** A signed test token. */
export async function testToken(claims: TestClaims = {}): Promise<string> {
  return new SignJWT({
    permissions: claims.permissions ?? [...PERMISSIONS],
    namespaces: claims.namespaces ?? ['*'],
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub ?? 'operator@example.com')
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? '5m')
    .sign(new TextEncoder().encode(claims.secret ?? TEST_SECRET));
}

/** An app with the API mounted at `/tasker` on a checkout engine, and helpers to call it. */
export interface ApiHarness {
  app: FastifyInstance;
  engine: Engine;
  store: TaskStore;
  /** Injects a request carrying a token of `claims` (an all-powerful one by default; `null` for none). */
  call(options: InjectOptions & { url: string }, claims?: TestClaims | null): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** Starts the checkout engine on `store` and mounts the API on a fresh fastify app. */
export async function startApi(
  store: TaskStore,
  options: Partial<TaskerApiOptions> & { engine?: Engine } = {},
): Promise<ApiHarness> {
  const engine = options.engine ?? checkoutEngine(store);
  await engine.start();
  const app = Fastify({ frameworkErrors: taskerFrameworkErrors });
  await app.register(taskerApi, { prefix: '/tasker', engine, auth: { secret: TEST_SECRET }, ...options });
  await app.ready();
  return {
    app,
    engine,
    store,
    call: async (request, claims = {}) => {
      const headers = { ...(request.headers ?? {}) };
      if (claims !== null) headers.authorization = `Bearer ${await testToken(claims)}`;
      return app.inject({ ...request, headers });
    },
    close: async () => {
      await app.close();
      await engine.stop({ gracePeriodMs: 1_000 });
    },
  };
}

/** An engine on `store` with no templates, for tests that only seed records. */
export function emptyEngine(store: TaskStore): Engine {
  return createEngine({ store });
}
