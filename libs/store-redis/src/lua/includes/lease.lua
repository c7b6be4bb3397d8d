-- The lease steps every lease script shares, so that a lease is granted and ended the same way everywhere. Such a
-- script takes its shard's lease keys first: KEYS[1] idx:claimable, KEYS[2] idx:leased, KEYS[3] owners,
-- KEYS[4] tokens.
local claimable_key, leased_key, owners_key, tokens_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
-- A task never claimed has no token: 0.
local function stored_token(id) return tonumber(redis.call('HGET', tokens_key, id)) or 0 end
-- Leases a task to a worker until a time, raising its fencing token (so the previous holder's writes are refused).
-- Only an unfinished task becomes claimable again when the lease expires. Returns the new token.
local function grant_lease(id, member, worker, expiry, unfinished)
  local token = redis.call('HINCRBY', tokens_key, id, 1)
  redis.call('HSET', owners_key, id, worker)
  redis.call('ZADD', leased_key, expiry, member)
  if unfinished then redis.call('ZADD', claimable_key, expiry, member) end
  return token
end
-- Frees a task; the caller decides when (or whether) it is claimable. The token stays: it only ever rises.
local function end_lease(id, member)
  redis.call('HDEL', owners_key, id)
  redis.call('ZREM', leased_key, member)
end
