import { config } from '../config.js';
import { signOut, token } from '../auth/session.js';
import { ApiRequestError } from './api-error.js';

/** Query parameters; `undefined` and empty ones are left out. */
export type Query = Record<string, string | number | undefined>;

export function headers(): Record<string, string> {
  return token.value ? { authorization: `Bearer ${token.value}` } : {};
}

function urlOf(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(key, `${value}`);
  const search = params.toString();
  return `${config.apiBase}${path}${search ? `?${search}` : ''}`;
}

async function send<T>(method: 'GET' | 'POST', path: string, query?: Query, body?: unknown): Promise<T> {
  const response = await fetch(urlOf(path, query), {
    method,
    headers: { ...headers(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer: unknown = await response.json().catch(() => null);
  if (response.ok) return answer as T;
  const error = (answer as { error?: { code?: string; message?: string } } | null)?.error;
  // A token the API refuses is dropped, so that the page asks for another.
  if (response.status === 401) signOut();
  throw new ApiRequestError(response.status, error?.code ?? 'HTTP_ERROR', error?.message ?? response.statusText);
}

/** The REST API of `@tasker/http`, with the session's token. */
export const api = {
  get: <T>(path: string, query?: Query) => send<T>('GET', path, query),
  post: <T>(path: string, body: unknown) => send<T>('POST', path, undefined, body),
  url: urlOf,
};
