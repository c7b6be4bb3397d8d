import { LEASE_PRELUDE } from './lease-prelude.js';

/**
 * Leases up to `limit` claimable tasks to one worker, atomically: Redis runs one script at a time, so two workers
 * claiming at once never get the same task.
 *
 * Due tasks are the members of `idx:claimable` scored at or before `now`; the set's order (score, then member:
 * creation time, then id) is the claim order. With `reclaim`, the worker's own unexpired leases follow them (they
 * are claimable only later than `now`, so after every due task), found through `idx:leased`, which holds only
 * leased tasks rather than every passivated one.
 *
 * The next due time is the lowest score above `now` among the tasks not taken by this claim, read before the
 * claim moves the taken ones to the new expiry.
 *
 * ARGV: prefix, worker id, now, lease expiry, limit, `1` to reclaim the worker's own leases.
 * Returns `{ {id, token, id, token, ...}, next due time as a score string or nil }`.
 */
export const CLAIM_TASKS_SCRIPT = `${LEASE_PRELUDE}
local worker, now, expiry, limit = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local claimable = index('claimable')
local chosen = {}
if limit > 0 then chosen = redis.call('ZRANGE', claimable, '-inf', now, 'BYSCORE', 'LIMIT', 0, limit) end
local own, own_count = {}, 0
if ARGV[6] == '1' then
  for _, member in ipairs(redis.call('ZRANGE', index('leased'), '(' .. now, '+inf', 'BYSCORE')) do
    local owner = redis.call('HGET', key('task:' .. task_id(member)), '@owner')
    if owner == worker and redis.call('ZSCORE', claimable, member) then
      own[member], own_count = true, own_count + 1
      if #chosen < limit then chosen[#chosen + 1] = member end
    end
  end
end
local next_due = false
local later = redis.call('ZRANGE', claimable, '(' .. now, '+inf', 'BYSCORE', 'LIMIT', 0, own_count + 1, 'WITHSCORES')
for position = 1, #later, 2 do
  if not own[later[position]] then
    next_due = later[position + 1]
    break
  end
end
local leases = {}
for _, member in ipairs(chosen) do
  leases[#leases + 1] = task_id(member)
  leases[#leases + 1] = grant_lease(member, worker, expiry, true)
end
return {leases, next_due}
`;
