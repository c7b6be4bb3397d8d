#!lua
--[[
  Takes or renews the hold on a subscriber name: when the name is new, its hold lapsed (`until` at or before now)
  or the claimer holds it already; the token is raised unless the claimer renews in time.

  Input:
    KEYS[1] subscriber:<name>
    ARGV[1] worker id
    ARGV[2] now (ms)
    ARGV[3] until (ms)
  Output: {token, position} (position false when none), or false when another worker holds the name.
]]
local worker, now, new_until = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local fields = redis.call('HMGET', KEYS[1], 'owner', 'token', 'until', 'position')
local owner, token, held_until = fields[1], tonumber(fields[2] or '0'), tonumber(fields[3] or '0')
local held = held_until > now
if held and owner ~= worker then return false end
if not (held and owner == worker) then token = token + 1 end
redis.call('HSET', KEYS[1], 'owner', worker, 'token', token, 'until', new_until)
return { token, fields[4] or false }
