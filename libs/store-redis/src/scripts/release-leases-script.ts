import { LEASE_PRELUDE } from './lease-prelude.js';

/**
 * Ends the leases still held with the given tokens (a stale token means another worker holds the task now: its
 * lease is left alone). An unfinished task becomes claimable at its wake-up time, or at once (score 0, ahead of
 * every new task) without one. Publishes on the work channel when anything was released, so idle workers claim
 * it, or learn the wake-up time as their next due time.
 *
 * ARGV: prefix, then task id, token and wake-up time (0 for none) triples. Returns how many leases it ended.
 */
export const RELEASE_LEASES_SCRIPT = `${LEASE_PRELUDE}
local released = 0
for position = 2, #ARGV, 3 do
  local task = key('task:' .. ARGV[position])
  if redis.call('HEXISTS', task, '@owner') == 1 and stored_token(task) == tonumber(ARGV[position + 1]) then
    local member = redis.call('HGET', task, '@member')
    end_lease(task, member)
    if task_is_unfinished(task) then redis.call('ZADD', index('claimable'), ARGV[position + 2], member) end
    released = released + 1
  end
end
if released > 0 then redis.call('PUBLISH', key('work'), released) end
return released
`;
