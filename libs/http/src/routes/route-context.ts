import type { TaskView } from '@tasker/core';
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Permission } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import type { ApiEngine } from '../api-engine.js';

/** What every group of routes is built with; made once by `taskerApi`. */
export interface RouteContext {
  engine: ApiEngine;
  /** An `onRequest` hook: authenticates the request, then requires `permission` (any valid token for `'token'`). */
  guard(permission: Permission | 'token'): onRequestAsyncHookHandler;
  /** The caller of a request that passed a guard. */
  principal(request: FastifyRequest): Principal;
  /** `work`, or `STORE_UNAVAILABLE` once the store has not answered within the configured time. */
  withinStoreTimeout<T>(work: Promise<T>): Promise<T>;
  /** The task, when the caller's token grants its namespace. @throws 404 `TASK_NOT_FOUND` when missing or not granted */
  visibleTask(request: FastifyRequest, taskId: string): Promise<TaskView>;
  /** How many tasks one client may create per window (by IP), or no limit. */
  taskCreationLimit: { max: number; timeWindow: number } | false;
  /** The time analytics windows end at. */
  now(): number;
  /** Where the API is mounted, e.g. `/tasker`, for links. */
  mountPath: string;
  /** Most bytes an event stream keeps for a client that does not read before it disconnects the client. */
  streamBufferBytes: number;
  /** How long the engine's oldest pending write may wait before readiness fails. */
  maxWriteAgeMs: number;
  /** Prometheus text exposition, when the app gave a source. */
  metrics: (() => Promise<string>) | undefined;
}
