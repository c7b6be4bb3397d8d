#!lua
--[[
  Extends the leases a worker still holds with the given tokens on tasks of one shard (a heartbeat: all of a
  worker's leases of the shard in one call). A lease is lost when another worker claimed the task since (the token
  rose) or it was released or ended. idx:claimable is updated only where the task is in it (XX): a finished task
  is not, and must not become claimable by a renewal.

  Input:
    KEYS[1] idx:claimable     KEYS[2] idx:leased       KEYS[3] owners         KEYS[4] tokens
    KEYS[5...] task:<id> of each lease, in ARGV's order
    ARGV[1] worker id
    ARGV[2] new expiry (ms)
    ARGV[3...] task id and token pairs
  Output: the ids of the lost tasks.
]]
--- @include "tasks"
--- @include "lease"
local worker, expiry = ARGV[1], ARGV[2]
local lost = {}
for lease = 1, #KEYS - 4 do
  local id, token = ARGV[1 + 2 * lease], tonumber(ARGV[2 + 2 * lease])
  if redis.call('HGET', owners_key, id) == worker and stored_token(id) == token then
    local member = redis.call('HGET', KEYS[4 + lease], '@member')
    redis.call('ZADD', leased_key, expiry, member)
    redis.call('ZADD', claimable_key, 'XX', expiry, member)
  else
    lost[#lost + 1] = id
  end
end
return lost
