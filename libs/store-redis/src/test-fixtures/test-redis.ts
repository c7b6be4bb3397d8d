import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The shared Redis of this machine (services.md). */
export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test or run uses. */
export function uniquePrefix(): string {
  return `tasker-test:${randomUUID()}:`;
}

/** Deletes every key under `prefixes` (SCAN, then UNLINK), so test runs leave the shared server as they found it. */
export async function deleteKeys(url: string, prefixes: readonly string[]): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 0 });
  try {
    for (const prefix of prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        if (keys.length > 0) await client.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    client.disconnect();
  }
}
