import type { SubscriberClaim, SubscriberHold, SubscriberPositions } from './subscriber-positions.js';

/** One subscriber's record, as the other stores keep it in a row or a hash. */
interface SubscriberRecord {
  owner: string;
  token: number;
  until: number;
  position?: string;
}

/** The {@link SubscriberPositions} of the memory store: a map by name. */
export class MemorySubscriberPositions implements SubscriberPositions {
  readonly #records = new Map<string, SubscriberRecord>();

  async claimSubscriber({ name, workerId, now, until }: SubscriberClaim): Promise<SubscriberHold | undefined> {
    const record = this.#records.get(name);
    const held = record !== undefined && record.until > now;
    if (held && record.owner !== workerId) return undefined;
    const token = held ? record.token : (record?.token ?? 0) + 1;
    const next: SubscriberRecord = { owner: workerId, token, until };
    if (record?.position !== undefined) next.position = record.position;
    this.#records.set(name, next);
    return next.position === undefined ? { token } : { token, position: next.position };
  }

  async saveSubscriberPosition(name: string, token: number, position: string): Promise<boolean> {
    const record = this.#records.get(name);
    if (record?.token !== token) return false;
    record.position = position;
    return true;
  }

  async releaseSubscriber(name: string, token: number): Promise<void> {
    const record = this.#records.get(name);
    if (record?.token === token) record.until = 0;
  }

  async readSubscriberPosition(name: string): Promise<string | undefined> {
    return this.#records.get(name)?.position;
  }
}
