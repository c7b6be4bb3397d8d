#!lua
--[[
  Ends the leases still held with the given tokens on tasks of one shard (a stale token means another worker holds
  the task now: its lease is left alone). An unfinished task becomes claimable at its wake-up time, or at once
  (score 0, ahead of every new task) without one. Publishes on the work channel when anything was released, so
  idle workers claim it, or learn the wake-up time as their next due time.

  Input:
    KEYS[1] idx:claimable     KEYS[2] idx:leased       KEYS[3] owners         KEYS[4] tokens
    KEYS[5...] task:<id> of each release, in ARGV's order
    ARGV[1] the work channel
    ARGV[2...] task id, token and wake-up time (0 for none) triples
  Output: how many leases it ended.
]]
--- @include "tasks"
--- @include "lease"
local released = 0
for release = 1, #KEYS - 4 do
  local task, at = KEYS[4 + release], 3 * release - 1
  local id = ARGV[at]
  if redis.call('HEXISTS', owners_key, id) == 1 and stored_token(id) == tonumber(ARGV[at + 1]) then
    local member = redis.call('HGET', task, '@member')
    end_lease(id, member)
    if task_is_unfinished(task) then redis.call('ZADD', claimable_key, ARGV[at + 2], member) end
    released = released + 1
  end
end
if released > 0 then redis.call('PUBLISH', ARGV[1], released) end
return released
