-- Keeps the analytics rollups (see redis-rollups.ts for the data model and how they are read), included by the
-- scripts that create tasks and commit writes so that a rollup changes in the same script as the rows it sums. A
-- rollup is a hash per creation minute and template version, in the task's shard; what one task adds to it is
-- computed from the stored rows before and after a write, and the difference is added, so a figure follows the
-- state a task has now. Every value read here is a number or a state written by TypeScript as JSON: numbers go
-- through tonumber, states are compared as written. Durations go into histogram fields whose bucket keeps three
-- significant digits (exact below 1,000 ms; a bucket's lower bound is within 1% under any duration in it); sums of
-- durations are exact, so averages are too.
-- A rollup lives this long after the creation of its minute's last task: the longest analytics period (7 days) and a
-- minute.
local ROLLUP_TTL_MS = 604860000
local function duration_bucket(d)
  d = math.floor(d)
  local unit = 1
  while d >= 1000 * unit do unit = unit * 10 end
  return math.floor(d / unit) * unit
end
-- What one task adds to its rollup, field to amount, from its stored row and the rows of the named steps.
local function rollup_figures(task, steps, step_names)
  local figures = {}
  local function add(field, amount) figures[field] = (figures[field] or 0) + amount end
  local state, started, completed = unpack(redis.call('HMGET', task, 'state', 'startedAt', 'completedAt'))
  if state then add('s:' .. string.sub(state, 2, -2), 1) end
  if state == '"completed"' and started and completed then
    local d = tonumber(completed) - tonumber(started)
    add('td:' .. duration_bucket(d), 1)
    add('ts', d)
  end
  for _, name in ipairs(step_names) do
    local attempts, step_state, duration =
      unpack(redis.call('HMGET', steps, 'attempts:' .. name, 'state:' .. name, 'durationMs:' .. name))
    attempts = tonumber(attempts) or 0
    add('a:' .. name, attempts)
    add('e:' .. name, attempts > 0 and 1 or 0)
    add('r:' .. name, attempts > 1 and attempts - 1 or 0)
    add('f:' .. name, step_state == '"failed"' and 1 or 0)
    if duration then
      local d = tonumber(duration)
      add('d:' .. name .. ':' .. duration_bucket(d), 1)
      add('ds:' .. name, d)
    end
  end
  return figures
end
-- Adds to a rollup field: sums of durations may be fractional, counts never are (HINCRBY is the cheaper command).
local function add_to_rollup(rollup, field, amount)
  if field == 'ts' or string.sub(field, 1, 3) == 'ds:' then
    redis.call('HINCRBYFLOAT', rollup, field, amount)
  else
    redis.call('HINCRBY', rollup, field, amount)
  end
end
-- Adds a new task (every step of it) to its rollup `rollup` of the minute's set `minute_set` (keys in KEYS, named in
-- TypeScript, in the task's shard). r: { template, steps, systems } made in TypeScript. The rollup's name is kept
-- in the task's hash (`@rollup`), where the store finds it to name it in the KEYS of the task's commits.
local function rollup_create(task, steps, r, rollup, minute_set)
  redis.call('HSET', task, '@rollup', rollup)
  for field, amount in pairs(rollup_figures(task, steps, r.steps)) do add_to_rollup(rollup, field, amount) end
  for name, system in pairs(r.systems) do redis.call('HSET', rollup, 'y:' .. name, system) end
  redis.call('SADD', minute_set, r.template)
  -- Set at each creation only, so a commit costs no expiry commands: the minute's last task starts the countdown.
  redis.call('PEXPIRE', rollup, ROLLUP_TTL_MS)
  redis.call('PEXPIRE', minute_set, ROLLUP_TTL_MS)
end
-- Before a write: the task's rollup (`rollup`, its key, or nil) and what the task and the written steps add to it
-- now; nil when the task has no rollup or it expired (older than the longest period).
local function rollup_before(task, steps, write, rollup)
  if not rollup or redis.call('EXISTS', rollup) == 0 then return nil end
  local names = {}
  for _, step in ipairs(write.steps or {}) do names[#names + 1] = step.name end
  return { rollup = rollup, names = names, figures = rollup_figures(task, steps, names) }
end
-- After the write: adds the difference, and counts the errors of the write's failed attempts (fields made in TypeScript).
local function rollup_after(task, steps, write, before)
  if not before then return end
  local after = rollup_figures(task, steps, before.names)
  for field, amount in pairs(before.figures) do after[field] = (after[field] or 0) - amount end
  for field, delta in pairs(after) do
    if delta ~= 0 then add_to_rollup(before.rollup, field, delta) end
  end
  for _, field in ipairs(write.errorFields or {}) do redis.call('HINCRBY', before.rollup, field, 1) end
end
