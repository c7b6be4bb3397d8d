#!lua
--[[
  Records the data model's version and the store's shard count, or checks the ones recorded. One script, so that
  processes starting at once record them once.

  Input:
    KEYS[1] schema            KEYS[2] shards
    ARGV[1] the current version
    ARGV[2] the store's shard count
  Output: false when the prefix holds (now) this version and shard count, else { the version, the shard count }
    recorded.
]]
local version, shards = redis.call('GET', KEYS[1]), redis.call('GET', KEYS[2])
if not version then
  redis.call('SET', KEYS[1], ARGV[1])
  redis.call('SET', KEYS[2], ARGV[2])
  return false
end
if version == ARGV[1] and shards == ARGV[2] then return false end
return {version, shards or ''}
