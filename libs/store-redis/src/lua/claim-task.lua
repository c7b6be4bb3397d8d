#!lua
--[[
  Leases one task for an operator's action, whatever its state and wake-up time, unless another worker's lease on
  it has not expired. A finished task is leased but stays out of idx:claimable: no worker picks it up when the
  lease expires.

  Input:
    KEYS[1] idx:claimable     KEYS[2] idx:leased       KEYS[3] owners         KEYS[4] tokens
    KEYS[5] task:<id>
    ARGV[1] task id
    ARGV[2] worker id
    ARGV[3] now (ms)
    ARGV[4] lease expiry (ms)
  Output: the new token, or false.
]]
--- @include "tasks"
--- @include "lease"
local id, worker = ARGV[1], ARGV[2]
local member = redis.call('HGET', KEYS[5], '@member')
if not member then return false end
local owner = redis.call('HGET', owners_key, id)
if owner and owner ~= worker then
  local held_until = redis.call('ZSCORE', leased_key, member)
  if held_until and tonumber(held_until) > tonumber(ARGV[3]) then return false end
end
return grant_lease(id, member, worker, ARGV[4], task_is_unfinished(KEYS[5]))
