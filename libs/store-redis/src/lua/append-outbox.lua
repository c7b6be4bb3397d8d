#!lua flags=allow-cross-slot-keys
--[[
  On a single server only (its keys span the shard's slot and the store-wide one, which a cluster refuses): appends
  the entries of a store of one shard's outbox to the event log, in the same round trip as the commit that wrote them
  (the store sends it right behind the commit script). It appends the entries after the shard's position, oldest
  first, as long as each is of a task whose task-events list the caller named (the tasks of its batch), and stops at
  the first of another task (left by a process that died): the store then appends the rest with append-events.lua.
  Appended entries leave the outbox.

  Input:
    KEYS[1] outbox            KEYS[2] events           KEYS[3] outbox-positions
    KEYS[4...] task-events:<id> of each task of ARGV
    ARGV[1] the shard's number
    ARGV[2...] the ids of the tasks of those lists, in order
  Output: the shard's position after the append (the store compares it with the last entry its commit answered:
    a commit script that ran after this one, as when it was sent again whole after NOSCRIPT, is appended as usual).
]]
local outbox, stream, positions, shard = KEYS[1], KEYS[2], KEYS[3], ARGV[1]
local lists = {}
for position = 4, #KEYS do lists[ARGV[position - 2]] = KEYS[position] end
local appended = tonumber(redis.call('HGET', positions, shard)) or 0
local entries = redis.call('ZRANGE', outbox, '(' .. appended, '+inf', 'BYSCORE', 'WITHSCORES')
for index = 1, #entries, 2 do
  local member = entries[index]
  -- The member is '<seq> <JSON [task id, time, JSON event]>', made in TypeScript.
  local entry = cjson.decode(string.sub(member, string.find(member, ' ', 1, true) + 1))
  local list = lists[entry[1]]
  if not list then break end
  local id = redis.call('XADD', stream, '*', 'at', string.format('%.17g', entry[2]), 't', entry[1], 'e', entry[3])
  redis.call('RPUSH', list, id)
  appended = tonumber(entries[index + 1])
end
redis.call('HSET', positions, shard, appended)
redis.call('ZREMRANGEBYSCORE', outbox, '-inf', appended)
return appended
