import type { Knex } from 'knex';
import type { Dialect } from './dialect.js';
import { runSql } from './sql/run-sql.js';

/** The part of a node-pg client that LISTEN needs. */
interface ListeningClient {
  query(sql: string): Promise<unknown>;
  on(event: 'notification', listener: (message: { channel: string }) => void): void;
  on(event: 'error' | 'end', listener: (error?: Error) => void): void;
}

/** How long a lost LISTEN connection waits before it connects again. */
const RECONNECT_DELAY_MS = 1_000;

/**
 * Tells idle workers that tasks became claimable (`TaskStore.watchWork`), and followers of the event log that events
 * were committed (`TaskStore.watchEvents`, whose `pg_notify` the commit statement sends itself). On Postgres across processes:
 * `pg_notify` on a channel named after the tasks table, and a dedicated connection that LISTENs (reconnecting, and
 * announcing work after a reconnect, since notifications sent meanwhile are lost). On SQLite, which has no
 * notifications, only within this process: workers of other processes find the work by polling.
 */
export class WorkAnnouncer {
  readonly #knex: Knex;
  readonly #dialect: Dialect;
  readonly #channel: string;
  readonly #local = new Set<() => void>();
  readonly #stops = new Set<() => Promise<void>>();

  constructor(knex: Knex, dialect: Dialect, channel: string) {
    this.#knex = knex;
    this.#dialect = dialect;
    this.#channel = channel;
  }

  /** Announces work, after the change that made it is committed. */
  async announce(): Promise<void> {
    if (this.#dialect === 'postgres') await runSql(this.#knex, 'SELECT pg_notify(?, ?)', [this.#channel, '']);
    else if (this.#local.size > 0) setImmediate(() => this.#local.forEach((onWork) => onWork()));
  }

  /** Calls `onWork` on every announcement; resolves once listening, with the function that stops it. */
  async watch(onWork: () => void): Promise<() => Promise<void>> {
    if (this.#dialect !== 'postgres') {
      this.#local.add(onWork);
      return async () => void this.#local.delete(onWork);
    }
    const stop = await this.#listen(onWork);
    this.#stops.add(stop);
    return async () => {
      this.#stops.delete(stop);
      await stop();
    };
  }

  /** Stops every watcher: the store is closing. */
  async close(): Promise<void> {
    this.#local.clear();
    await Promise.all([...this.#stops].map((stop) => stop()));
    this.#stops.clear();
  }

  async #listen(onWork: () => void): Promise<() => Promise<void>> {
    const client = this.#knex.client as {
      acquireRawConnection(): Promise<ListeningClient>;
      destroyRawConnection(connection: ListeningClient): Promise<void>;
    };
    let stopped = false;
    let connection: ListeningClient | undefined;
    let retry: NodeJS.Timeout | undefined;
    const scheduleReconnect = () => {
      if (!stopped) retry = setTimeout(() => connect().then(onWork, scheduleReconnect), RECONNECT_DELAY_MS);
    };
    const connect = async (): Promise<void> => {
      const opened = await client.acquireRawConnection();
      connection = opened;
      let lost = false;
      const onLost = () => {
        if (lost) return;
        lost = true;
        void client.destroyRawConnection(opened).catch(() => undefined);
        scheduleReconnect();
      };
      opened.on('notification', (message) => {
        if (message.channel === this.#channel) onWork();
      });
      opened.on('error', onLost);
      opened.on('end', onLost);
      try {
        await opened.query(`LISTEN "${this.#channel}"`);
      } catch (error) {
        lost = true;
        await client.destroyRawConnection(opened).catch(() => undefined);
        throw error;
      }
    };
    await connect();
    return async () => {
      stopped = true;
      clearTimeout(retry);
      if (connection) await client.destroyRawConnection(connection).catch(() => undefined);
    };
  }
}
