import { LUA_PRELUDE } from './lua-prelude.js';

/**
 * The workers holding unexpired leases, read from `idx:leased` in expiry order, so a worker's first entry is its
 * first expiry.
 *
 * ARGV: prefix, now. Returns `{ {worker id, lease count, first expiry as a score string}, ... }`, in no set order.
 */
export const LIST_WORKERS_SCRIPT = `${LUA_PRELUDE}
local workers, found = {}, {}
local entries = redis.call('ZRANGE', index('leased'), '(' .. ARGV[2], '+inf', 'BYSCORE', 'WITHSCORES')
for position = 1, #entries, 2 do
  local owner = redis.call('HGET', key('task:' .. task_id(entries[position])), '@owner')
  if owner then
    local worker = workers[owner]
    if not worker then
      worker = {owner, 0, entries[position + 1]}
      workers[owner] = worker
      found[#found + 1] = worker
    end
    worker[2] = worker[2] + 1
  end
end
return found
`;
