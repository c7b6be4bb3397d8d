import { LUA_PRELUDE } from './lua-prelude.js';
import { ROLLUP_PRELUDE } from './rollup-prelude.js';

/**
 * Creates a task with its steps and index entries, or answers the task that already holds the idempotency key.
 * The key is claimed with SET NX before anything is written, in the same script, so two racing requests with one
 * key store one task.
 *
 * An unfinished task is claimable from its creation time (a delayed one from its `runAt`), and the script publishes on the work channel so an idle
 * worker claims it at once; one created with a lease belongs to its worker with token 1, claimable when the lease
 * expires.
 *
 * The task is added to its analytics rollup (see `rollup-prelude.ts`).
 *
 * ARGV: prefix, JSON `NewTaskArgument`. Returns `{1}` when created, `{0, HGETALL of the holder}` otherwise.
 */
export const CREATE_TASK_SCRIPT = `${LUA_PRELUDE}${ROLLUP_PRELUDE}
local new = cjson.decode(ARGV[2])
local task = key('task:' .. new.id)
if redis.call('EXISTS', task) == 1 then
  return redis.error_reply('TASK_EXISTS a task ' .. new.id .. ' is stored already')
end
if new.idempotency then
  local holder = key('idempotency:' .. new.idempotency)
  if not redis.call('SET', holder, new.id, 'NX') then
    return {0, redis.call('HGETALL', key('task:' .. redis.call('GET', holder)))}
  end
end
call_in_slices('HSET', task, new.task)
redis.call('HSET', task, '@member', new.member)
call_in_slices('HSET', key('steps:' .. new.id), new.steps)
rollup_create(task, key('steps:' .. new.id), new.rollup)
redis.call('ZADD', index('all'), 0, new.member)
redis.call('ZADD', index('state:' .. new.state), 0, new.member)
for _, suffix in ipairs(new.indexes) do redis.call('ZADD', index(suffix), 0, new.member) end
local unfinished = is_unfinished(new.state)
if unfinished then
  redis.call('ZADD', index('unfinished'), 0, new.member)
else
  redis.call('ZADD', index('finished:' .. new.state), new.finishedAt, new.id)
end
if new.lease then
  redis.call('HSET', task, '@owner', new.lease.owner, '@token', 1)
  redis.call('ZADD', index('leased'), new.lease.expiry, new.member)
  if unfinished then redis.call('ZADD', index('claimable'), new.lease.expiry, new.member) end
elseif unfinished then
  redis.call('ZADD', index('claimable'), new.claimableAt, new.member)
  redis.call('PUBLISH', key('work'), 1)
end
return {1}
`;
