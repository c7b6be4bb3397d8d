-- The unfinished states are core's UNFINISHED_TASK_STATES: a new one must be added here too.
local function is_unfinished(state) return state == 'pending' or state == 'in_progress' or state == 'compensating' end
-- The stored state is JSON: compared as written rather than decoded.
local function task_is_unfinished(task)
  local state = redis.call('HGET', task, 'state')
  return state == '"pending"' or state == '"in_progress"' or state == '"compensating"'
end
-- A member is 16 digits of creation time, a space, then the id.
local function task_id(member) return string.sub(member, 18) end
-- unpack() is bounded by Lua's stack: long argument lists go in slices of 1000 (even, for field-value pairs).
local function call_in_slices(command, name, list)
  for first = 1, #list, 1000 do
    redis.call(command, name, unpack(list, first, math.min(first + 999, #list)))
  end
end
