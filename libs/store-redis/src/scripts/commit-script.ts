import { LEASE_PRELUDE } from './lease-prelude.js';
import { ROLLUP_PRELUDE } from './rollup-prelude.js';

/**
 * Applies a batch of writes (one group commit) in order: every task is checked to exist before the first change
 * (a batch naming an unknown task applies nothing), and Redis runs the script without interleaving other commands.
 *
 * Fencing happens here, write by write: a write carrying a lease token other than the task's stored one comes from
 * a worker that lost the task, and is skipped; its task id is returned, and the rest of the batch is applied. A
 * write leaving the task finished ends its lease and takes it out of `idx:claimable`; a write taking a finished
 * task back to an unfinished state (an operator's retry, under the operator's lease) makes it claimable again when
 * that lease expires. A finished task is kept in `idx:finished:<state>` scored by its last change (retention's index).
 *
 * A batch whose reply was lost (the connection dropped after the server applied it) is retried by the engine
 * with the same token; the script remembers the last 64 tokens of each store instance (a sorted set by batch
 * sequence) and answers such a retry without applying it twice, so history entries are not duplicated. Such a
 * retry reports no fenced writes even if the first run fenced some: the worker learns it lost the task at its next
 * write or heartbeat, which the raised token refuses alike.
 *
 * A write also changes its task's analytics rollup by what it changed in the task's figures (see `rollup-prelude.ts`).
 * A write's map items are set whole in their step's `items:<id>:<step>` hash, field the item's index.
 *
 * A write's events are appended to the stream `events` (the event log) with the rest of the write, never for a fenced
 * write, and their ids to the task's `task-events:<id>` list, which reads of one task's events follow.
 *
 * ARGV: prefix, store instance id, batch token, batch sequence number, JSON array of `WriteArgument`. Returns the
 * ids of the tasks whose writes were fenced off (none for a repeated batch); fails with `TASK_NOT_FOUND` when a
 * task is unknown.
 */
export const COMMIT_SCRIPT = `${LEASE_PRELUDE}${ROLLUP_PRELUDE}
local recent_batches = key('commit:' .. ARGV[2])
if redis.call('ZSCORE', recent_batches, ARGV[3]) then return {} end
local writes = cjson.decode(ARGV[5])
for _, write in ipairs(writes) do
  if redis.call('EXISTS', key('task:' .. write.id)) == 0 then
    return redis.error_reply('TASK_NOT_FOUND no task ' .. write.id .. ' to write to')
  end
end
local function move_state(task, member, state)
  local stored = redis.call('HGET', task, 'state')
  local previous = stored and cjson.decode(stored)
  if previous == state then return end
  if previous then redis.call('ZREM', index('state:' .. previous), member) end
  if previous and not is_unfinished(previous) then redis.call('ZREM', index('finished:' .. previous), task_id(member)) end
  redis.call('ZADD', index('state:' .. state), 0, member)
  if is_unfinished(state) then
    redis.call('ZADD', index('unfinished'), 0, member)
    local held_until = redis.call('ZSCORE', index('leased'), member)
    if held_until and not (previous and is_unfinished(previous)) then
      redis.call('ZADD', index('claimable'), held_until, member)
    end
  else
    redis.call('ZREM', index('unfinished'), member)
  end
end
local function apply(write, task)
  local member = redis.call('HGET', task, '@member')
  local steps = key('steps:' .. write.id)
  local rollup = rollup_before(task, steps, write)
  if write.state then move_state(task, member, write.state) end
  if write.set then call_in_slices('HSET', task, write.set) end
  if write.clear then call_in_slices('HDEL', task, write.clear) end
  if (write.set or write.clear) and not task_is_unfinished(task) then
    end_lease(task, member)
    redis.call('ZREM', index('claimable'), member)
    -- A finished task's last change is its finish time, retention's index (the stored values are JSON: a number
    -- as written, a state quoted).
    local state = cjson.decode(redis.call('HGET', task, 'state'))
    redis.call('ZADD', index('finished:' .. state), redis.call('HGET', task, 'updatedAt'), write.id)
  end
  if write.steps then
    for _, step in ipairs(write.steps) do
      -- A patch of a step the task does not have is ignored, as by the memory store.
      if redis.call('HEXISTS', steps, 'position:' .. step.name) == 1 then
        if step.set then call_in_slices('HSET', steps, step.set) end
        if step.clear then call_in_slices('HDEL', steps, step.clear) end
      end
    end
  end
  rollup_after(task, steps, write, rollup)
  if write.transitions then call_in_slices('RPUSH', key('transitions:' .. write.id), write.transitions) end
  if write.annotations then
    call_in_slices('RPUSH', key('annotations:' .. write.id), write.annotations)
    for _, annotation_type in ipairs(write.annotationTypes) do
      redis.call('ZADD', index('annotation:' .. annotation_type), 0, member)
    end
  end
  if write.items then
    for i = 1, #write.items, 3 do
      redis.call('HSET', key('items:' .. write.id .. ':' .. write.items[i]), write.items[i + 1], write.items[i + 2])
    end
  end
  if write.snapshot then redis.call('SET', key('snapshot:' .. write.id), write.snapshot) end
  if write.events then
    -- '*': Redis draws ids above the stream's last one, so they increase in the order scripts run (commit order).
    for index, event in ipairs(write.events) do
      local id = redis.call('XADD', key('events'), '*', 'at', write.eventTimes[index], 't', write.id, 'e', event)
      redis.call('RPUSH', key('task-events:' .. write.id), id)
    end
  end
end
local fenced, fenced_ids = {}, {}
for _, write in ipairs(writes) do
  local task = key('task:' .. write.id)
  if write.token and write.token ~= stored_token(task) then
    if not fenced[write.id] then
      fenced[write.id] = true
      fenced_ids[#fenced_ids + 1] = write.id
    end
  else
    apply(write, task)
  end
end
redis.call('ZADD', recent_batches, ARGV[4], ARGV[3])
redis.call('ZREMRANGEBYRANK', recent_batches, 0, -65)
redis.call('EXPIRE', recent_batches, 86400)
return fenced_ids
`;
