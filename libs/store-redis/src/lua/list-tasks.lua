#!lua flags=no-writes
--[[
  One shard's page of task index members, newest first. It walks the smallest single-valued filter index (or
  idx:all) backwards through the lexicographic range of the page and keeps the members found in every other
  filter's indexes (any of them, for a filter of several states), until it holds `count` members. The store merges
  the shards' pages and reads the tasks of the merged page.

  Input:
    KEYS[1] idx:all
    KEYS[2...] the filters' indexes, filter after filter
    ARGV[1] JSON { filters: number[] (how many of the KEYS each filter takes, in order), max, min (BYLEX bounds),
            count }
  Output: the members found, in page order.
]]
local query = cjson.decode(ARGV[1])
local filters, next_key = {}, 2
for _, size in ipairs(query.filters) do
  local indexes = {}
  for position = next_key, next_key + size - 1 do indexes[#indexes + 1] = KEYS[position] end
  filters[#filters + 1] = indexes
  next_key = next_key + size
end
local drive, drive_filter = KEYS[1], 0
local smallest = redis.call('ZCARD', drive)
for position, indexes in ipairs(filters) do
  if #indexes == 1 then
    local size = redis.call('ZCARD', indexes[1])
    if size < smallest then drive, drive_filter, smallest = indexes[1], position, size end
  end
end
local function matches(member)
  for position, indexes in ipairs(filters) do
    if position ~= drive_filter then
      local found = false
      for _, index in ipairs(indexes) do
        if redis.call('ZSCORE', index, member) then
          found = true
          break
        end
      end
      if not found then return false end
    end
  end
  return true
end
local members, max, chunk = {}, query.max, 200
while #members < query.count do
  local page = redis.call('ZRANGE', drive, max, query.min, 'BYLEX', 'REV', 'LIMIT', 0, chunk)
  for _, member in ipairs(page) do
    if matches(member) then
      members[#members + 1] = member
      if #members == query.count then break end
    end
  end
  if #page < chunk then break end
  max = '(' .. page[#page]
end
return members
