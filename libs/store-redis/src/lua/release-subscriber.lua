#!lua
--[[
  Ends a subscriber's hold at once if the token given is still its own.

  Input:
    KEYS[1] subscriber:<name>
    ARGV[1] token
  Output: 0.
]]
if redis.call('HGET', KEYS[1], 'token') == ARGV[1] then redis.call('HSET', KEYS[1], 'until', 0) end
return 0
