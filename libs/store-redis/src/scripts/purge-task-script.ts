/**
 * Deletes one finished task and everything it owns, every key named in KEYS (the caller reads the task's fields
 * first to name them), so that it can be converted for Redis Cluster like the others. Nothing is deleted unless the
 * task still has the state the caller read (JSON, as stored) and the number of annotations it read, so a task
 * reopened or annotated since is left for a later purge; a missing task is no error (purging twice is harmless).
 * The idempotency key is deleted only while it still names this task.
 *
 * KEYS: 1 task hash, 2 steps, 3 transitions, 4 annotations, 5 snapshot, 6 signals, 7 task-events list, 8 events
 * stream, 9 idx:all, 10 idx:state:<state>, 11 idx:finished:<state>, 12 idx:unfinished, 13 idx:claimable,
 * 14 idx:leased, 15 to 18 idx:namespace/name/version/correlation, then the idempotency key when ARGV[4] is '1',
 * then one idx:annotation:<type> per annotation type.
 * ARGV: task id, stored state (JSON), annotation count, '1' when the task has an idempotency key.
 * Returns 1 when it deleted the task, 0 otherwise.
 */
export const PURGE_TASK_SCRIPT = `#!lua
local task_key, id = KEYS[1], ARGV[1]
if redis.call('HGET', task_key, 'state') ~= ARGV[2] then return 0 end
if redis.call('LLEN', KEYS[4]) ~= tonumber(ARGV[3]) then return 0 end
local member = redis.call('HGET', task_key, '@member')
local event_ids = redis.call('LRANGE', KEYS[7], 0, -1)
for first = 1, #event_ids, 1000 do
  redis.call('XDEL', KEYS[8], unpack(event_ids, first, math.min(first + 999, #event_ids)))
end
local next_key = 19
if ARGV[4] == '1' then
  if redis.call('GET', KEYS[next_key]) == id then redis.call('DEL', KEYS[next_key]) end
  next_key = next_key + 1
end
for index = next_key, #KEYS do redis.call('ZREM', KEYS[index], member) end
for index = 9, 18 do
  if index == 11 then redis.call('ZREM', KEYS[index], id) else redis.call('ZREM', KEYS[index], member) end
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7])
return 1
`;
