#!lua
--[[
  The compare-and-set of a schedule's next fire time: changes the schedule only while its `nextFireAt` field is
  still ARGV[1] (JSON, compared as the string TypeScript wrote).

  Input:
    KEYS[1] schedule:<id>
    ARGV[1] the nextFireAt it must hold (JSON)
    ARGV[2...] field and value pairs to set
  Output: 1 when it set them, 0 otherwise.
]]
if redis.call('HGET', KEYS[1], 'nextFireAt') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
return 1
