#!lua
--[[
  Deletes an idempotency key while it still names the given task (a purged one), so that the key is free again.

  Input:
    KEYS[1] idempotency:<suffix>
    ARGV[1] the task's id
  Output: 1 when deleted, 0 when it names another task or none.
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
