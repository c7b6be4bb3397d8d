#!lua
--[[
  Publishes a staged task (see create-task.lua): its index entries and lease or claimable time, from the argument
  its `@staged` field keeps, and ends its expiry. Idempotent: a published task is left alone, so the creator and a
  request that found the task holding its idempotency key may both call it.

  Input: the KEYS of create-task.lua.
    ARGV[1] the work channel
  Output: 1 when it published the task, 0 when it was not staged (published already, or gone).
]]
--- @include "tasks"
--- @include "rollup"
--- @include "publish-task"
local staged = redis.call('HGET', KEYS[5], '@staged')
if not staged then return 0 end
publish_task(cjson.decode(staged), ARGV[1])
redis.call('HDEL', KEYS[5], '@staged')
redis.call('PERSIST', KEYS[5])
redis.call('PERSIST', KEYS[6])
return 1
