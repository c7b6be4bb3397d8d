#!lua
--[[
  Gives a holder a slot of a concurrency key (see ConcurrencyLimits.acquireSlot): the key's slots are a sorted set
  of holders scored by their lease's end; lapsed ones are dropped, a holder that has one keeps it (its lease
  extended), and another gets one while fewer than the limit hold one.

  Input:
    KEYS[1] slots:<concurrency key>
    ARGV[1] limit
    ARGV[2] holder
    ARGV[3] until (ms)
    ARGV[4] now (ms)
  Output: 'ok', or the earliest lease end of the holders (a string) when every slot is taken.
]]
local slots = KEYS[1]
redis.call('ZREMRANGEBYSCORE', slots, '-inf', ARGV[4])
local own = redis.call('ZSCORE', slots, ARGV[2])
if own or redis.call('ZCARD', slots) < tonumber(ARGV[1]) then
  redis.call('ZADD', slots, 'GT', ARGV[3], ARGV[2])
  return 'ok'
end
return redis.call('ZRANGE', slots, 0, 0, 'WITHSCORES')[2]
