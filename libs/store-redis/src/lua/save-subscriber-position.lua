#!lua
--[[
  Records a subscriber's position if the token given is still its hold's.

  Input:
    KEYS[1] subscriber:<name>
    ARGV[1] token
    ARGV[2] position (an event id)
  Output: 1 when saved, 0 when the token is stale.
]]
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'position', ARGV[2])
return 1
