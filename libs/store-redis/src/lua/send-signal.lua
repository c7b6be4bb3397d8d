#!lua
--[[
  Stores a signal (see TaskSignals.sendSignal) in the task's signals hash, field the signal's name, unless the task
  is missing or finished or already has one of that name (HSETNX keeps the first). A task no worker holds that is
  claimable later (passivated) becomes claimable at the signal's time, and the work channel is told.

  Input:
    KEYS[1] idx:claimable     KEYS[2] owners           KEYS[3] task:<id>      KEYS[4] signals:<id>
    ARGV[1] task id
    ARGV[2] signal name
    ARGV[3] JSON { payload, sentAt }
    ARGV[4] sent-at time (ms)
    ARGV[5] the work channel
  Output: the outcome: sent, duplicate, task_not_found or task_finished.
]]
--- @include "tasks"
local task = KEYS[3]
if redis.call('EXISTS', task) == 0 then return 'task_not_found' end
if not task_is_unfinished(task) then return 'task_finished' end
if redis.call('HSETNX', KEYS[4], ARGV[2], ARGV[3]) == 0 then return 'duplicate' end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then
  local member = redis.call('HGET', task, '@member')
  local due = tonumber(redis.call('ZSCORE', KEYS[1], member))
  if due and due > tonumber(ARGV[4]) then
    redis.call('ZADD', KEYS[1], ARGV[4], member)
    redis.call('PUBLISH', ARGV[5], 1)
  end
end
return 'sent'
