import { LUA_PRELUDE } from './lua-prelude.js';

/**
 * Deletes the oldest entries of the event log's stream, at most a limit, while they are beyond the newest `keep`
 * or their `at` field is before a time, and their ids from their task's `task-events:<id>` list. Stream ids are never
 * reused, so a reader's position stays valid.
 *
 * ARGV: prefix, before (ms), keep, limit. Returns how many entries it deleted.
 */
export const PURGE_EVENTS_SCRIPT = `${LUA_PRELUDE}
local stream = key('events')
local before, keep, limit = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local excess = redis.call('XLEN', stream) - keep
local doomed = {}
for index, entry in ipairs(redis.call('XRANGE', stream, '-', '+', 'COUNT', limit)) do
  local fields = entry[2]
  local at, task
  for field = 1, #fields, 2 do
    if fields[field] == 'at' then at = tonumber(fields[field + 1]) end
    if fields[field] == 't' then task = fields[field + 1] end
  end
  if index > excess and not (at and at < before) then break end
  doomed[#doomed + 1] = entry[1]
  if task then redis.call('LREM', key('task-events:' .. task), 1, entry[1]) end
end
if #doomed > 0 then redis.call('XDEL', stream, unpack(doomed)) end
return #doomed
`;
