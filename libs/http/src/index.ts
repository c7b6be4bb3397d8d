/**
 * Tasker's REST API: a fastify 5 plugin that apps mount next to their own routes.
 *
 * @example
 * import Fastify from 'fastify';
 * import { taskerApi } from '@tasker/http';
 *
 * const app = Fastify();
 * await app.register(taskerApi, { engine, prefix: '/tasker', auth: { secret: process.env.TASKER_JWT_SECRET! } });
 */
export { taskerApi } from './tasker-api.js';
export type { TaskerApiOptions } from './tasker-api-options.js';
export type { DashboardOptions } from './dashboard/dashboard-options.js';
export type { ApiEngine } from './api-engine.js';
export type { AuthOptions, TokenChecks } from './auth/auth-options.js';
export { PERMISSIONS } from './auth/permissions.js';
export type { Permission } from './auth/permissions.js';
export { API_ERROR_STATUS } from './errors/api-error-codes.js';
export type { ApiErrorCode, ErrorBody, FieldProblem } from './errors/api-error-codes.js';
export { PERIODS } from './analytics/periods.js';
export type { PeriodName } from './analytics/periods.js';
export { annotationJson, stepJson, taskJson, taskSummaryJson, transitionJson } from './json/task-json.js';
export { eventJson } from './json/event-json.js';
export { purgeReportJson } from './json/purge-report-json.js';
export { requestTraceContext } from './routes/request-headers.js';
export { isStoreUnavailable } from './errors/store-unavailable.js';
export { taskerFrameworkErrors, toApiError } from './errors/to-api-error.js';
export { withinStoreTimeout } from './errors/within-store-timeout.js';
export { ApiError } from './errors/api-error.js';
export { DEFAULT_STREAM_BUFFER_BYTES, EventStream } from './sse/event-stream.js';
