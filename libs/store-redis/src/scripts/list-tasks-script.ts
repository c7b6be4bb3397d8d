import { LUA_PRELUDE } from './lua-prelude.js';

/**
 * One page of tasks, newest first, read in one round trip. It walks the smallest single-valued filter index (or
 * `idx:all`) backwards through the lexicographic range of the page and keeps the members found in every other
 * filter's indexes (any of them, for a filter of several states), until it holds `count` tasks.
 *
 * ARGV: prefix, JSON `{ filters: string[][] (idx: suffixes), max, min (BYLEX bounds), count }`.
 * Returns the HGETALL of each task found, in page order.
 */
export const LIST_TASKS_SCRIPT = `${LUA_PRELUDE}
local query = cjson.decode(ARGV[2])
local drive, drive_filter = index('all'), 0
local smallest = redis.call('ZCARD', drive)
for position, filter in ipairs(query.filters) do
  if #filter == 1 then
    local size = redis.call('ZCARD', index(filter[1]))
    if size < smallest then drive, drive_filter, smallest = index(filter[1]), position, size end
  end
end
local function matches(member)
  for position, filter in ipairs(query.filters) do
    if position ~= drive_filter then
      local found = false
      for _, suffix in ipairs(filter) do
        if redis.call('ZSCORE', index(suffix), member) then
          found = true
          break
        end
      end
      if not found then return false end
    end
  end
  return true
end
local tasks, max, chunk = {}, query.max, 200
while #tasks < query.count do
  local members = redis.call('ZRANGE', drive, max, query.min, 'BYLEX', 'REV', 'LIMIT', 0, chunk)
  for _, member in ipairs(members) do
    if matches(member) then
      tasks[#tasks + 1] = redis.call('HGETALL', key('task:' .. task_id(member)))
      if #tasks == query.count then break end
    end
  end
  if #members < chunk then break end
  max = '(' .. members[#members]
end
return tasks
`;
