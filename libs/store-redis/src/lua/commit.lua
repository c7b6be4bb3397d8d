#!lua
--[[
  Applies the writes of one group-commit batch to the tasks of one shard, in order: every task is checked to exist
  before the first change (writes naming an unknown task apply nothing), and Redis runs the script without
  interleaving other commands.

  Fencing happens here, write by write: a write carrying a lease token other than the task's stored one comes from
  a worker that lost the task, and is skipped; its task id is returned, and the rest is applied. A write leaving
  the task finished ends its lease and takes it out of idx:claimable; a write taking a finished task back to an
  unfinished state (an operator's retry, under the operator's lease) makes it claimable again when that lease
  expires. A finished task is kept in idx:finished:<state> scored by its last change (retention's index).

  A batch whose reply was lost (the connection dropped after the server applied it) is retried by the engine with
  the same token; the script remembers the last 64 tokens of each store instance (a sorted set by batch sequence)
  and answers such a retry without applying it twice. Such a retry reports no fenced writes even if the first run
  fenced some: the worker learns it lost the task at its next write or heartbeat, which the raised token refuses.

  A write's map items are set whole in their step's items:<id>:<step> hash, field the item's index.

  A write also changes its task's analytics rollup by what it changed in the task's figures (includes/rollup.lua).

  A write's events go to the shard's outbox with the rest of the write (never for a fenced write), each under the
  next outbox sequence number; the store then appends them to the event log (append-events.lua). The outbox
  entries up to ARGV[5], known to be appended, are deleted first; the rest are answered, for the store to append.

  Input:
    KEYS[1] idx:claimable     KEYS[2] idx:leased       KEYS[3] owners         KEYS[4] tokens
    KEYS[5] idx:unfinished    KEYS[6] commit:<store instance id>
    KEYS[7] outbox            KEYS[8] outbox-seq
    KEYS[9...] idx:state:<state> of each state of ARGV[4], in that order, then idx:finished:<state> of each
    then the keys of each write: task:<id>, steps:<id>, transitions:<id>, annotations:<id>, snapshot:<id>, and
    idx:annotation:<type> for each of the write's annotationTypes, items:<id>:<step> for each map step of its
    items, and its task's analytics rollup if it has one, each write's `k` giving their positions
    ARGV[1] batch token
    ARGV[2] batch sequence number
    ARGV[3] JSON array of WriteArgument, each with `k`: the positions in KEYS of its keys
    ARGV[4] JSON array of the task states, in the order of their index keys
    ARGV[5] the outbox sequence number appended to the event log already
  Output: { ids of the tasks whose writes were fenced off (none for a repeated batch), the outbox: [member, seq,
    ...] oldest first, all of it, so that the batch's events are appended before the commit resolves }; error
    TASK_NOT_FOUND when a task is unknown.
]]
--- @include "tasks"
--- @include "lease"
--- @include "rollup"
local unfinished_key, recent_batches, outbox, outbox_sequence = KEYS[5], KEYS[6], KEYS[7], KEYS[8]
redis.call('ZREMRANGEBYSCORE', outbox, '-inf', ARGV[5])
local function outbox_entries() return redis.call('ZRANGE', outbox, 0, -1, 'WITHSCORES') end
if redis.call('ZSCORE', recent_batches, ARGV[1]) then return {{}, outbox_entries()} end
local states = cjson.decode(ARGV[4])
local state_index, finished_index = {}, {}
for position, state in ipairs(states) do
  state_index[state] = KEYS[8 + position]
  finished_index[state] = KEYS[8 + #states + position]
end
local writes = cjson.decode(ARGV[3])
for _, write in ipairs(writes) do
  local k = write.k
  write.keys = {
    task = KEYS[k.task], steps = KEYS[k.steps], transitions = KEYS[k.transitions], annotations = KEYS[k.annotations],
    snapshot = KEYS[k.snapshot], rollup = k.rollup and KEYS[k.rollup] or nil, annotation_indexes = {}, items = {},
  }
  for step, position in pairs(k.items) do write.keys.items[step] = KEYS[position] end
  for _, position in ipairs(k.annotationIndexes) do
    write.keys.annotation_indexes[#write.keys.annotation_indexes + 1] = KEYS[position]
  end
  if redis.call('EXISTS', write.keys.task) == 0 then
    return redis.error_reply('TASK_NOT_FOUND no task ' .. write.id .. ' to write to')
  end
end
local function move_state(task, member, state)
  local stored = redis.call('HGET', task, 'state')
  local previous = stored and cjson.decode(stored)
  if previous == state then return end
  if previous and state_index[previous] then redis.call('ZREM', state_index[previous], member) end
  if previous and not is_unfinished(previous) then redis.call('ZREM', finished_index[previous], task_id(member)) end
  redis.call('ZADD', state_index[state], 0, member)
  if is_unfinished(state) then
    redis.call('ZADD', unfinished_key, 0, member)
    local held_until = redis.call('ZSCORE', leased_key, member)
    if held_until and not (previous and is_unfinished(previous)) then
      redis.call('ZADD', claimable_key, held_until, member)
    end
  else
    redis.call('ZREM', unfinished_key, member)
  end
end
local function apply(write)
  local keys = write.keys
  local member = redis.call('HGET', keys.task, '@member')
  local rollup = rollup_before(keys.task, keys.steps, write, keys.rollup)
  if write.state then move_state(keys.task, member, write.state) end
  if write.set then call_in_slices('HSET', keys.task, write.set) end
  if write.clear then call_in_slices('HDEL', keys.task, write.clear) end
  if (write.set or write.clear) and not task_is_unfinished(keys.task) then
    end_lease(write.id, member)
    redis.call('ZREM', claimable_key, member)
    -- A finished task's last change is its finish time, retention's index (the stored values are JSON: a number
    -- as written, a state quoted).
    local state = cjson.decode(redis.call('HGET', keys.task, 'state'))
    redis.call('ZADD', finished_index[state], redis.call('HGET', keys.task, 'updatedAt'), write.id)
  end
  if write.steps then
    for _, step in ipairs(write.steps) do
      -- A patch of a step the task does not have is ignored, as by the memory store.
      if redis.call('HEXISTS', keys.steps, 'position:' .. step.name) == 1 then
        if step.set then call_in_slices('HSET', keys.steps, step.set) end
        if step.clear then call_in_slices('HDEL', keys.steps, step.clear) end
      end
    end
  end
  rollup_after(keys.task, keys.steps, write, rollup)
  if write.transitions then call_in_slices('RPUSH', keys.transitions, write.transitions) end
  if write.annotations then
    call_in_slices('RPUSH', keys.annotations, write.annotations)
    for _, index in ipairs(keys.annotation_indexes) do redis.call('ZADD', index, 0, member) end
  end
  if write.items then
    for item = 1, #write.items, 3 do
      redis.call('HSET', keys.items[write.items[item]], write.items[item + 1], write.items[item + 2])
    end
  end
  if write.snapshot then redis.call('SET', keys.snapshot, write.snapshot) end
  if write.events then
    for _, entry in ipairs(write.events) do
      local sequence = redis.call('INCR', outbox_sequence)
      redis.call('ZADD', outbox, sequence, sequence .. ' ' .. entry)
    end
  end
end
local fenced, fenced_ids = {}, {}
for _, write in ipairs(writes) do
  if write.token and write.token ~= stored_token(write.id) then
    if not fenced[write.id] then
      fenced[write.id] = true
      fenced_ids[#fenced_ids + 1] = write.id
    end
  else
    apply(write)
  end
end
redis.call('ZADD', recent_batches, ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYRANK', recent_batches, 0, -65)
redis.call('EXPIRE', recent_batches, 86400)
return {fenced_ids, outbox_entries()}
