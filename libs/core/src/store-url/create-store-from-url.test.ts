import { describe, expect, it } from 'vitest';
import { MemoryStore, StoreUrlError, createStoreFromUrl } from '../index.js';
import { openStoreFromUrl, type StoreFromUrlOptions } from './create-store-from-url.js';
import type { ImportModule } from './load-adapter.js';

/**
 * An importer that answers as Node does when `missing` is not installed: importing `missing`, or the adapter that
 * imports it, fails. Everything else is imported.
 */
function without(missing: string): ImportModule {
  return async (specifier) => {
    if (specifier === missing || missing === 'ioredis') {
      throw Object.assign(new Error(`Cannot find package '${missing}' imported from /app/node_modules/@tasker`), {
        code: 'ERR_MODULE_NOT_FOUND',
      });
    }
    return (await import(specifier)) as Record<string, unknown>;
  };
}

const open = (url: string, load: ImportModule, options: StoreFromUrlOptions = {}) =>
  openStoreFromUrl(url, options, load);

describe('createStoreFromUrl', () => {
  it('opens the in-memory store for memory:', async () => {
    const store = await createStoreFromUrl('memory:');
    expect(store).toBeInstanceOf(MemoryStore);
    await store.close();
  });

  it.each([
    ['mysql://root:hunter2@db/app', "the unsupported scheme 'mysql:'"],
    ['tasks.sqlite', 'no scheme'],
    ['memory:extra', "write plain 'memory:'"],
    ['sqlite:', 'names no file'],
    ['redis://127.0.0.1:6379/?prefix=', 'prefix is empty'],
    [
      'redis+cluster://:hunter2@a:7000,b:7001/?prefix=',
      "'redis+cluster://***@a:7000,b:7001/?prefix=': prefix is empty",
    ],
  ])('refuses %s naming what is wrong', async (url, problem) => {
    const error = await createStoreFromUrl(url).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreUrlError);
    expect(error).toMatchObject({ code: 'INVALID_STORE_URL', message: expect.stringContaining(problem) });
  });

  it('lists the supported schemes for an unknown one and never shows the password', async () => {
    await expect(createStoreFromUrl('mysql://root:hunter2@db/app')).rejects.toThrow(
      "store URL 'mysql://root:***@db/app' has the unsupported scheme 'mysql:'; " +
        'supported: postgres://, postgresql://, redis://, rediss://, redis+cluster://, sqlite:, memory:',
    );
  });

  it('refuses a malformed URL without showing its password', async () => {
    await expect(createStoreFromUrl('postgres://app:hunter2@db:port/shop')).rejects.toThrow(
      "store URL 'postgres://***@db:port/shop' is not a valid URL",
    );
  });

  it.each([
    ['postgres://app:hunter2@db:5432/shop', '@tasker/store-knex', 'npm install @tasker/store-knex pg', 'postgres:'],
    ['sqlite:tasks.sqlite', '@tasker/store-knex', 'npm install @tasker/store-knex better-sqlite3', 'sqlite:'],
    ['rediss://:hunter2@cache:6380', '@tasker/store-redis', 'npm install @tasker/store-redis ioredis', 'rediss:'],
    ['redis://cache:6379', 'ioredis', 'npm install @tasker/store-redis ioredis', 'redis:'],
    ['redis+cluster://a:7000,b:7001', 'ioredis', 'npm install @tasker/store-redis ioredis', 'redis+cluster:'],
  ])('tells how to install what %s needs when %s is missing', async (url, missing, install, scheme) => {
    const error = await open(url, without(missing)).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'STORE_ADAPTER_MISSING' });
    const message = (error as Error).message;
    expect(message).toContain(`a ${scheme} store URL needs`);
    expect(message).toContain(`'${missing}' is not installed: run ${install}`);
    expect(message).not.toContain('hunter2');
  });

  it('names the driver knex could not load', async () => {
    // knex reports a missing driver in its own words when the store creates its pool.
    const knexWithoutPg: ImportModule = async () => ({
      createKnexStore: () => {
        throw new Error("Knex: run\n$ npm install pg --save\nCannot find module 'pg'");
      },
    });
    await expect(open('postgres://db/shop', knexWithoutPg)).rejects.toThrow(
      "'pg' is not installed: run npm install @tasker/store-knex pg",
    );
  });

  it('refuses an adapter module without the factory it needs', async () => {
    await expect(open('redis://cache:6379', async () => ({ default: {} }))).rejects.toThrow(
      '@tasker/store-redis exports no function createRedisStore, which a redis: store URL needs',
    );
  });

  it('lets other errors of loading an adapter through', async () => {
    const broken: ImportModule = async () => {
      throw new SyntaxError('Unexpected token');
    };
    await expect(open('redis://cache:6379', broken)).rejects.toThrow(SyntaxError);
  });
});
