#!lua
--[[
  Leases up to `limit` claimable tasks of one shard to one worker, atomically: Redis runs one script at a time, so
  two workers claiming at once never get the same task. Due tasks come first, in claim order, then (with reclaim)
  the worker's own unexpired leases (see includes/claim-candidates.lua).

  Input:
    KEYS[1] idx:claimable     KEYS[2] idx:leased       KEYS[3] owners         KEYS[4] tokens
    ARGV[1] worker id
    ARGV[2] now (ms)
    ARGV[3] lease expiry (ms)
    ARGV[4] limit
    ARGV[5] '1' to reclaim the worker's own leases
  Output: { {id, token, id, token, ...}, next due time as a score string or false }
]]
--- @include "tasks"
--- @include "lease"
--- @include "claim-candidates"
local worker, expiry, limit = ARGV[1], ARGV[3], tonumber(ARGV[4])
local due, own, next_due = claim_candidates(worker, ARGV[2], limit, ARGV[5] == '1')
local leases = {}
local function take(members)
  for position = 1, #members, 2 do
    if #leases >= 2 * limit then return end
    local member = members[position]
    local id = task_id(member)
    leases[#leases + 1] = id
    leases[#leases + 1] = grant_lease(id, member, worker, expiry, true)
  end
end
take(due)
take(own)
return {leases, next_due}
