import { LUA_PRELUDE } from './lua-prelude.js';

/**
 * Stores a signal (see `TaskSignals.sendSignal`) in the task's `signals:<id>` hash, field the signal's name, unless
 * the task is missing or finished or already has one of that name (HSETNX keeps the first). A task no worker holds
 * that is claimable later (passivated) becomes claimable at the signal's time, and the work channel is told.
 *
 * ARGV: prefix, task id, signal name, JSON `{ payload, sentAt }`, sent-at time. Returns the outcome.
 */
export const SEND_SIGNAL_SCRIPT = `${LUA_PRELUDE}
local task = key('task:' .. ARGV[2])
if redis.call('EXISTS', task) == 0 then return 'task_not_found' end
if not task_is_unfinished(task) then return 'task_finished' end
if redis.call('HSETNX', key('signals:' .. ARGV[2]), ARGV[3], ARGV[4]) == 0 then return 'duplicate' end
if redis.call('HEXISTS', task, '@owner') == 0 then
  local member = redis.call('HGET', task, '@member')
  local due = tonumber(redis.call('ZSCORE', index('claimable'), member))
  if due and due > tonumber(ARGV[5]) then
    redis.call('ZADD', index('claimable'), ARGV[5], member)
    redis.call('PUBLISH', key('work'), 1)
  end
end
return 'sent'
`;
