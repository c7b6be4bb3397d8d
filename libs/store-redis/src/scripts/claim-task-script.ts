import { LEASE_PRELUDE } from './lease-prelude.js';

/**
 * Leases one task for an operator's action, whatever its state and wake-up time, unless another worker's lease on
 * it has not expired. A finished task is leased but stays out of `idx:claimable`: no worker picks it up when the
 * lease expires.
 *
 * ARGV: prefix, task id, worker id, now, lease expiry. Returns the new token, or nil.
 */
export const CLAIM_TASK_SCRIPT = `${LEASE_PRELUDE}
local task = key('task:' .. ARGV[2])
local member = redis.call('HGET', task, '@member')
if not member then return false end
local owner = redis.call('HGET', task, '@owner')
if owner and owner ~= ARGV[3] then
  local held_until = redis.call('ZSCORE', index('leased'), member)
  if held_until and tonumber(held_until) > tonumber(ARGV[4]) then return false end
end
return grant_lease(member, ARGV[3], ARGV[5], task_is_unfinished(task))
`;
