import { classifyEngineError, type StoreErrorKind } from '@tasker/core';

/**
 * Reply prefixes of a Redis that cannot take writes now but will: a read-only replica (during a failover), a server
 * loading its data, a busy script, a primary or cluster down, out of memory until keys expire or are evicted.
 */
const TRANSIENT_REPLY =
  /^(READONLY|LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|OOM|NOREPLICAS|ERR max number of clients)\b/;

/**
 * What a failed call means for its data on Redis (see `TaskStore.classifyError`): a task the script did not find
 * is `lost` and an unencodable value (a `TypeError` of `JSON.stringify`) `rejected`, as `classifyEngineError` says;
 * an error a script raised about the data (an `ERR` reply) is `rejected`. Connection trouble (`Connection is
 * closed`, `ECONNREFUSED`, ioredis' `MaxRetriesPerRequestError`) and the replies above are transient and retried.
 */
export function classifyRedisError(error: unknown): StoreErrorKind {
  const engine = classifyEngineError(error);
  if (engine) return engine;
  if (!(error instanceof Error) || error.name !== 'ReplyError') return 'transient';
  return TRANSIENT_REPLY.test(error.message) || !error.message.startsWith('ERR') ? 'transient' : 'rejected';
}
