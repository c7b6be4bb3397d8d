import { LUA_PRELUDE } from './lua-prelude.js';

/**
 * The start of every script that reads or changes leases: {@link LUA_PRELUDE}, then the lease steps they share, so
 * that a lease is granted and ended the same way everywhere (see the data model in `redis-keys.ts`).
 */
export const LEASE_PRELUDE = `${LUA_PRELUDE}
-- Tasks stored before leases existed have no token: they count as never claimed.
local function stored_token(task) return tonumber(redis.call('HGET', task, '@token')) or 0 end
-- Leases a task to a worker until a time, raising its fencing token (so the previous holder's writes are refused).
-- Only an unfinished task becomes claimable again when the lease expires. Returns the new token.
local function grant_lease(member, worker, expiry, unfinished)
  local task = key('task:' .. task_id(member))
  local token = redis.call('HINCRBY', task, '@token', 1)
  redis.call('HSET', task, '@owner', worker)
  redis.call('ZADD', index('leased'), expiry, member)
  if unfinished then redis.call('ZADD', index('claimable'), expiry, member) end
  return token
end
-- Frees a task; the caller decides when (or whether) it is claimable. The token stays: it only ever rises.
local function end_lease(task, member)
  redis.call('HDEL', task, '@owner')
  redis.call('ZREM', index('leased'), member)
end
`;
