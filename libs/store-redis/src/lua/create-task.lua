#!lua
--[[
  Creates a task with its steps and index entries. With ARGV[3] = '1' (a task with an idempotency key) the task is
  only staged: stored with its argument in the `@staged` field, in no index, expiring after a day; publish-task.lua
  publishes it once the key is won (see RedisCreations for the order and what a crash between the calls leaves).

  Input:
    KEYS[1] idx:claimable     KEYS[2] idx:leased       KEYS[3] owners         KEYS[4] tokens
    KEYS[5] task:<id>         KEYS[6] steps:<id>       KEYS[7] idx:all        KEYS[8] idx:state:<its state>
    KEYS[9] idx:unfinished    KEYS[10] idx:finished:<its state>
    KEYS[11] rollup:<minute>:<template>   KEYS[12] rollups:<minute>   (its analytics rollup, see includes/rollup.lua)
    KEYS[13...] the indexes that never change for it (namespace, name, version, correlation id)
    ARGV[1] JSON NewTaskArgument
    ARGV[2] the work channel
    ARGV[3] '1' to stage the task, '0' to publish it at once
  Output: 1; error TASK_EXISTS when a task of that id is stored.
]]
--- @include "tasks"
--- @include "rollup"
--- @include "publish-task"
local new = cjson.decode(ARGV[1])
if redis.call('EXISTS', KEYS[5]) == 1 then
  return redis.error_reply('TASK_EXISTS a task ' .. new.id .. ' is stored already')
end
call_in_slices('HSET', KEYS[5], new.task)
redis.call('HSET', KEYS[5], '@member', new.member)
call_in_slices('HSET', KEYS[6], new.steps)
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[5], '@staged', ARGV[1])
  redis.call('EXPIRE', KEYS[5], 86400)
  redis.call('EXPIRE', KEYS[6], 86400)
else
  publish_task(new, ARGV[2])
end
return 1
