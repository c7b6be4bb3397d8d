#!lua
--[[
  Deletes a purged task's events from the event log: the stream entries its task-events list names, and the list.
  Idempotent.

  Input:
    KEYS[1] events            KEYS[2] task-events:<id>
  Output: how many entries it deleted.
]]
local ids = redis.call('LRANGE', KEYS[2], 0, -1)
local deleted = 0
for first = 1, #ids, 1000 do
  deleted = deleted + redis.call('XDEL', KEYS[1], unpack(ids, first, math.min(first + 999, #ids)))
end
redis.call('DEL', KEYS[2])
return deleted
