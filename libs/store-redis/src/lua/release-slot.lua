#!lua
--[[
  Frees a holder's slot of a concurrency key (see ConcurrencyLimits.releaseSlot) and, when it held one, publishes
  on the work channel so that throttled steps of every worker ask again.

  Input:
    KEYS[1] slots:<concurrency key>
    ARGV[1] holder
    ARGV[2] the work channel (a channel, not a key)
  Output: 1 when a slot was freed, else 0.
]]
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('PUBLISH', ARGV[2], 1)
return 1
