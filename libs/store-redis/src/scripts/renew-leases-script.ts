import { LEASE_PRELUDE } from './lease-prelude.js';

/**
 * Extends the leases a worker still holds with the given tokens (a heartbeat: all of a worker's leases in one
 * call). A lease is lost when another worker claimed the task since (the token rose) or it was released or ended.
 *
 * `idx:claimable` is updated only where the task is in it (XX): a finished task is not, and must not become
 * claimable by a renewal.
 *
 * ARGV: prefix, worker id, new expiry, then task id and token pairs. Returns the ids of the lost tasks.
 */
export const RENEW_LEASES_SCRIPT = `${LEASE_PRELUDE}
local worker, expiry = ARGV[2], ARGV[3]
local lost = {}
for position = 4, #ARGV, 2 do
  local id = ARGV[position]
  local task = key('task:' .. id)
  if redis.call('HGET', task, '@owner') == worker and stored_token(task) == tonumber(ARGV[position + 1]) then
    local member = redis.call('HGET', task, '@member')
    redis.call('ZADD', index('leased'), expiry, member)
    redis.call('ZADD', index('claimable'), 'XX', expiry, member)
  else
    lost[#lost + 1] = id
  end
end
return lost
`;
