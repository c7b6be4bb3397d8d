#!lua
--[[
  Deletes one finished task and everything it owns in its shard: its keys, its index entries, its lease token, its
  entries left in the shard's outbox.
  Nothing is deleted unless the task still has the state the caller read (JSON, as stored) and the number of
  annotations it read, so a task reopened or annotated since is left for a later purge; a missing task is no error
  (purging twice is harmless). Its events and its idempotency key, in other slots, are deleted after it (see
  RedisRetention).

  Input:
    KEYS[1] idx:claimable     KEYS[2] idx:leased       KEYS[3] owners         KEYS[4] tokens
    KEYS[5] task:<id>         KEYS[6] steps:<id>       KEYS[7] transitions:<id>
    KEYS[8] annotations:<id>  KEYS[9] snapshot:<id>    KEYS[10] signals:<id>
    KEYS[11] idx:all          KEYS[12] idx:state:<state>   KEYS[13] idx:finished:<state>   KEYS[14] idx:unfinished
    KEYS[15] outbox
    KEYS[16...] idx:namespace/name/version/correlation of the task, then idx:annotation:<type> of each of its
    annotation types (ARGV[5] of them), then items:<id>:<step> of each of its steps (a map step's items)
    ARGV[1] task id
    ARGV[2] its state as stored (JSON)
    ARGV[3] how many annotations it has
    ARGV[4] how its outbox entries begin: `["<id>",` (JSON made in TypeScript)
    ARGV[5] how many annotation types it has
  Output: 1 when it deleted the task, 0 otherwise.
]]
local id = ARGV[1]
if redis.call('HGET', KEYS[5], 'state') ~= ARGV[2] then return 0 end
if redis.call('LLEN', KEYS[8]) ~= tonumber(ARGV[3]) then return 0 end
local member = redis.call('HGET', KEYS[5], '@member')
for _, index in ipairs({1, 2, 11, 12, 14}) do redis.call('ZREM', KEYS[index], member) end
local last_index = 19 + tonumber(ARGV[5])
for index = 16, last_index do redis.call('ZREM', KEYS[index], member) end
for index = last_index + 1, #KEYS do redis.call('DEL', KEYS[index]) end
-- An outbox member is '<seq> <JSON [id, ...]>': the task's entries hold ARGV[4] after the sequence.
local entry_start = ' ' .. ARGV[4]
for _, entry in ipairs(redis.call('ZRANGE', KEYS[15], 0, -1)) do
  if string.find(entry, entry_start, 1, true) then redis.call('ZREM', KEYS[15], entry) end
end
redis.call('ZREM', KEYS[13], id)
redis.call('HDEL', KEYS[3], id)
redis.call('HDEL', KEYS[4], id)
redis.call('DEL', KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10])
return 1
