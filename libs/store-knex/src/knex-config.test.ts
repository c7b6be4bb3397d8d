import knexFactory, { type Knex } from 'knex';
import { afterEach, describe, expect, it } from 'vitest';
import { withStoreDefaults } from './knex-config.js';
import { TEST_DATABASE_URL } from './testing/index.js';

const setting = async (db: Knex, name: string) =>
  ((await db.raw(`SHOW ${name}`)).rows[0] as Record<string, string>)[name];

describe('the Postgres connections a store opens itself', () => {
  const opened: Knex[] = [];
  const open = (config: Knex.Config) => {
    const db = knexFactory(config);
    opened.push(db);
    return db;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.destroy()));
  });

  it('plan their prepared statements once (generic plans), from a URL or a connection object', async () => {
    const fromUrl = open(withStoreDefaults({ client: 'pg', connection: TEST_DATABASE_URL }));
    const fromObject = open(withStoreDefaults({ client: 'pg', connection: { connectionString: TEST_DATABASE_URL } }));
    expect(await setting(fromUrl, 'plan_cache_mode')).toBe('force_generic_plan');
    expect(await setting(fromObject, 'plan_cache_mode')).toBe('force_generic_plan');
  });

  it("keep the user's own session options, which win over the store's", async () => {
    const db = open(
      withStoreDefaults({
        client: 'pg',
        connection: {
          connectionString: TEST_DATABASE_URL,
          options: '-c statement_timeout=5000 -c plan_cache_mode=auto',
        },
      }),
    );
    expect(await setting(db, 'statement_timeout')).toBe('5s');
    expect(await setting(db, 'plan_cache_mode')).toBe('auto');
  });
});
