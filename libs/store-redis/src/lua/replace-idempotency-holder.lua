#!lua
--[[
  Hands an idempotency key whose task is gone (a staged task that expired, or one deleted since) to a new task:
  a compare-and-set, so that of two requests finding it stale one wins.

  Input:
    KEYS[1] idempotency:<suffix>
    ARGV[1] the id of the task it holds, found gone
    ARGV[2] the id of the new task
  Output: 1 when replaced, 0 when it holds another id by now.
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
