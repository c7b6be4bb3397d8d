-- What a claim of up to `limit` tasks by `worker` at `now` takes from one shard (KEYS[1] idx:claimable, KEYS[2]
-- idx:leased, KEYS[3] owners): the due members (scored at or before now, in the set's order: score, then creation
-- time, then id) with their scores; with `reclaim`, the worker's own unexpired leases (claimable only later than
-- now, so after every due task), found through idx:leased, which holds only leased tasks rather than every
-- passivated one; and the next due time: the lowest score above now among the tasks not the worker's own, read
-- before a claim moves the taken ones to their new expiry.
local function claim_candidates(worker, now, limit, reclaim)
  local due = {}
  if limit > 0 then due = redis.call('ZRANGE', KEYS[1], '-inf', now, 'BYSCORE', 'LIMIT', 0, limit, 'WITHSCORES') end
  local own, own_members, own_count = {}, {}, 0
  if reclaim then
    local leased = redis.call('ZRANGE', KEYS[2], '(' .. now, '+inf', 'BYSCORE', 'WITHSCORES')
    for position = 1, #leased, 2 do
      local member = leased[position]
      if redis.call('HGET', KEYS[3], task_id(member)) == worker and redis.call('ZSCORE', KEYS[1], member) then
        own_members[member], own_count = true, own_count + 1
        own[#own + 1] = member
        own[#own + 1] = leased[position + 1]
      end
    end
  end
  local next_due = false
  local later = redis.call('ZRANGE', KEYS[1], '(' .. now, '+inf', 'BYSCORE', 'LIMIT', 0, own_count + 1, 'WITHSCORES')
  for position = 1, #later, 2 do
    if not own_members[later[position]] then
      next_due = later[position + 1]
      break
    end
  end
  return due, own, next_due
end
