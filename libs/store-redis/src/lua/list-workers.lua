#!lua flags=no-writes
--[[
  The workers holding unexpired leases on tasks of one shard, read from idx:leased in expiry order, so a worker's
  first entry is its first expiry.

  Input:
    KEYS[1] idx:leased        KEYS[2] owners
    ARGV[1] now (ms)
  Output: { {worker id, lease count, first expiry as a score string}, ... }, in no set order.
]]
--- @include "tasks"
local workers, found = {}, {}
local entries = redis.call('ZRANGE', KEYS[1], '(' .. ARGV[1], '+inf', 'BYSCORE', 'WITHSCORES')
for position = 1, #entries, 2 do
  local owner = redis.call('HGET', KEYS[2], task_id(entries[position]))
  if owner then
    local worker = workers[owner]
    if not worker then
      worker = {owner, 0, entries[position + 1]}
      workers[owner] = worker
      found[#found + 1] = worker
    end
    worker[2] = worker[2] + 1
  end
end
return found
