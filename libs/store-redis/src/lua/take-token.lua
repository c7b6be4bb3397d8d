#!lua
--[[
  Takes one token of a rate limit's bucket (see RateLimits.takeToken and refillTokens of @tasker/core, whose rule
  this is): a hash of `credit` (whole units, `periodMs` of them a token) and `refilledAt`, created full, refilled by
  `limit` units a millisecond up to `limit × periodMs`. Integers stay exact: Lua numbers are doubles.

  Input:
    KEYS[1] bucket:<rate-limit key>
    ARGV[1] limit
    ARGV[2] periodMs
    ARGV[3] now (ms)
  Output: -1 when a token was taken, else when the next one comes (ms).
]]
local limit, period, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local full = limit * period
local credit, at = full, now
local stored = redis.call('HMGET', KEYS[1], 'credit', 'refilledAt')
if stored[1] then
  credit, at = tonumber(stored[1]), tonumber(stored[2])
  local elapsed = math.max(0, now - at)
  credit, at = math.min(full, credit + elapsed * limit), at + elapsed
end
local granted = credit >= period
if granted then credit = credit - period end
redis.call('HSET', KEYS[1], 'credit', string.format('%.0f', credit), 'refilledAt', string.format('%.0f', at))
if granted then return -1 end
return at + math.ceil((period - credit) / limit)
