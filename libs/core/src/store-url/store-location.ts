import { resolve } from 'node:path';
import { StoreUrlError } from '../errors/store-url-error.js';
import { redactUrl } from './redact-url.js';

/** The schemes `createStoreFromUrl` opens, as its errors list them. */
export const STORE_URL_SCHEMES = [
  'postgres://',
  'postgresql://',
  'redis://',
  'rediss://',
  'redis+cluster://',
  'sqlite:',
  'memory:',
] as const;

/** What a store URL names, parsed. */
export type StoreLocation =
  | { kind: 'memory' }
  | { kind: 'sqlite'; filename: string }
  | { kind: 'postgres'; url: string }
  | { kind: 'redis'; url: string; prefix?: string };

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch (error) {
    throw new StoreUrlError('INVALID_STORE_URL', `store URL '${redactUrl(url)}' is not a valid URL`, { cause: error });
  }
}

/** `sqlite:` with nothing after it names no file: refused rather than creating one named after the cwd. */
function sqliteLocation(url: string, cwd: string): StoreLocation {
  const path = url.slice('sqlite:'.length);
  if (path === '') {
    throw new StoreUrlError('INVALID_STORE_URL', "store URL 'sqlite:' names no file: write sqlite:path/to/file.sqlite");
  }
  return { kind: 'sqlite', filename: path === ':memory:' ? path : resolve(cwd, path) };
}

/** The Redis URL without `prefix` (ioredis would read every query parameter as a client option), and the prefix. */
function redisLocation(url: string): StoreLocation {
  const parsed = parseUrl(url);
  const prefix = parsed.searchParams.get('prefix');
  if (prefix === null) return { kind: 'redis', url };
  if (prefix === '') throw new StoreUrlError('INVALID_STORE_URL', `store URL '${redactUrl(url)}': prefix is empty`);
  parsed.searchParams.delete('prefix');
  return { kind: 'redis', url: parsed.toString(), prefix };
}

/**
 * A `redis+cluster://[:password@]host:port,host:port[/?prefix=…]` URL without `prefix`, and the prefix. Parsed by
 * hand: WHATWG URLs take no list of hosts. The node list is checked by the Redis store.
 */
function redisClusterLocation(url: string): StoreLocation {
  const query = url.indexOf('?');
  const params = new URLSearchParams(query < 0 ? '' : url.slice(query + 1));
  const prefix = params.get('prefix');
  if (prefix === null) return { kind: 'redis', url };
  if (prefix === '') throw new StoreUrlError('INVALID_STORE_URL', `store URL '${redactUrl(url)}': prefix is empty`);
  params.delete('prefix');
  const rest = params.toString();
  return { kind: 'redis', url: `${url.slice(0, query)}${rest === '' ? '' : `?${rest}`}`, prefix };
}

/** The scheme of a URL in lower case, without its colon (`postgres`); undefined when it has none. */
export function schemeOf(url: string): string | undefined {
  return /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
}

/**
 * Parses a store URL: `postgres://…`/`postgresql://…`, `redis://…`/`rediss://…`/`redis+cluster://…` (with an
 * optional `?prefix=`),
 * `sqlite:path` (resolved against `cwd`; `sqlite::memory:` too) or `memory:`.
 * @throws StoreUrlError `INVALID_STORE_URL` naming the URL (password hidden) and the supported schemes.
 */
export function parseStoreLocation(url: string, cwd: string = process.cwd()): StoreLocation {
  const scheme = schemeOf(url);
  switch (scheme) {
    case 'memory':
      if (url.toLowerCase() !== 'memory:') {
        throw new StoreUrlError('INVALID_STORE_URL', `store URL '${redactUrl(url)}': write plain 'memory:'`);
      }
      return { kind: 'memory' };
    case 'sqlite':
      return sqliteLocation(url, cwd);
    case 'postgres':
    case 'postgresql':
      parseUrl(url);
      return { kind: 'postgres', url };
    case 'redis':
    case 'rediss':
      return redisLocation(url);
    case 'redis+cluster':
      return redisClusterLocation(url);
    default:
      throw new StoreUrlError(
        'INVALID_STORE_URL',
        `store URL '${redactUrl(url)}' has ${scheme ? `the unsupported scheme '${scheme}:'` : 'no scheme'}; ` +
          `supported: ${STORE_URL_SCHEMES.join(', ')}`,
      );
  }
}
