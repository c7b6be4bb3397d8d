import { TaskerError, redactUrl } from '@tasker/core';
import { SettingError } from './config/setting-error.js';

/** The settings a startup error is explained with: where the app was told its databases are. */
export interface StartupSettings {
  DATABASE_URL?: string | undefined;
  REDIS_URL?: string | undefined;
}

/** A Node network error: what `pg` and `ioredis` reject with when nothing answers at the address. */
interface NetworkError extends Error {
  code: string;
  address?: string;
  port?: number;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EAI_AGAIN']);

function isNetworkError(error: unknown): error is NetworkError {
  return error instanceof Error && NETWORK_CODES.has((error as Partial<NetworkError>).code ?? '');
}

/** PostgreSQL's answer to a connection to a database that does not exist (SQLSTATE 3D000). */
function missingDatabase(error: unknown): string | undefined {
  if (!(error instanceof Error) || (error as { code?: unknown }).code !== '3D000') return undefined;
  return /database "([^"]+)" does not exist/.exec(error.message)?.[1];
}

function missingDatabaseMessage(name: string, databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const host = url.hostname;
  const port = url.port || '5432';
  const user = url.username ? ` -U ${decodeURIComponent(url.username)}` : '';
  return [
    `PostgreSQL database "${name}" does not exist on ${host}:${port} (DATABASE_URL=${redactUrl(databaseUrl)}).`,
    `Create it with:  createdb -h ${host} -p ${port}${user} ${name}`,
    `or in psql:      CREATE DATABASE "${name}";`,
  ].join('\n');
}

/** A service the app connects to at startup: its name, the variable of its URL, the URL and its default port. */
interface Service {
  name: string;
  variable: keyof StartupSettings;
  url: string;
  defaultPort: string;
}

function configuredServices(settings: StartupSettings): Service[] {
  const services: Service[] = [];
  if (settings.DATABASE_URL) {
    services.push({ name: 'PostgreSQL', variable: 'DATABASE_URL', url: settings.DATABASE_URL, defaultPort: '5432' });
  }
  if (settings.REDIS_URL) {
    services.push({ name: 'Redis', variable: 'REDIS_URL', url: settings.REDIS_URL, defaultPort: '6379' });
  }
  return services;
}

function unreachableMessage(service: Service, reason: string): string {
  const url = new URL(service.url);
  return [
    `Cannot connect to ${service.name} at ${url.hostname}:${url.port || service.defaultPort} ` +
      `(${service.variable}=${redactUrl(service.url)}): ${reason}.`,
    `Start the server (bash tools/services/start-services.sh starts local PostgreSQL and Redis) or fix ${service.variable}.`,
  ].join('\n');
}

/** A network error explained with the configured service whose port it names. */
function networkErrorMessage(error: NetworkError, settings: StartupSettings): string {
  const reason = error.code === 'ECONNREFUSED' ? 'connection refused' : error.code;
  const service = configuredServices(settings).find(
    ({ url, defaultPort }) => error.port === undefined || Number(new URL(url).port || defaultPort) === error.port,
  );
  if (service) return unreachableMessage(service, reason);
  return `Cannot connect to ${error.address ?? 'a server'}${error.port ? `:${error.port}` : ''}: ${reason}.`;
}

/**
 * ioredis, which the Redis store asks to fail a command rather than queue it while it cannot connect, rejects with
 * this error and no address: a Redis store that does not answer.
 */
function isRedisUnreachable(error: unknown, settings: StartupSettings): boolean {
  return error instanceof Error && error.name === 'MaxRetriesPerRequestError' && settings.REDIS_URL !== undefined;
}

/**
 * What to tell a person whose `npm start` failed, without a stack trace for the errors the app knows: invalid task
 * templates (every problem as `file:line:column path: message`), a missing PostgreSQL database (and how to create
 * it), a database or Redis that does not answer (its host and port), a malformed setting. Other errors keep their
 * stack, since only it tells where they came from. No URL's password is ever shown.
 */
export function describeStartupError(error: unknown, settings: StartupSettings): string {
  const database = missingDatabase(error);
  if (database !== undefined && settings.DATABASE_URL) return missingDatabaseMessage(database, settings.DATABASE_URL);
  if (isNetworkError(error)) return networkErrorMessage(error, settings);
  if (error instanceof AggregateError && error.errors.some(isNetworkError)) {
    return networkErrorMessage(error.errors.find(isNetworkError)!, settings);
  }
  if (isRedisUnreachable(error, settings)) {
    return unreachableMessage(
      configuredServices(settings).find(({ name }) => name === 'Redis')!,
      'no answer',
    );
  }
  // TemplateLoadError, StoreUrlError and the like: their message lists everything, with file and line where known.
  if (error instanceof TaskerError) return error.message;
  if (error instanceof SettingError) return error.message;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
