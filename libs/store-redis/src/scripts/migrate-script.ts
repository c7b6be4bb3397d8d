import { LUA_PRELUDE } from './lua-prelude.js';

/**
 * Records the data model's version under the prefix, or checks the one recorded, upgrading version 1 (before
 * leases) on the way. One script, so that processes starting at once upgrade a prefix once.
 *
 * Version 1 kept no `idx:claimable`: its unfinished tasks are added with score 0, claimable at once (the
 * processes that ran them held no leases), ordered by creation time and then id. A union with the unfinished
 * index (whose scores are all 0) keeps the score of a task that is claimable already. A prefix recording no
 * version may hold tasks of a version 1 store that never called `migrate()`, so it is upgraded alike (a no-op on
 * an empty one).
 *
 * ARGV: prefix, current version, the version it upgrades. Returns nil when the prefix holds (now) the current
 * version, or the other version it holds.
 */
export const MIGRATE_SCRIPT = `${LUA_PRELUDE}
local schema = key('schema')
local recorded = redis.call('GET', schema)
if recorded == ARGV[2] then return false end
if recorded and recorded ~= ARGV[3] then return recorded end
local claimable = index('claimable')
redis.call('ZUNIONSTORE', claimable, 2, claimable, index('unfinished'), 'WEIGHTS', 1, 0, 'AGGREGATE', 'MAX')
redis.call('SET', schema, ARGV[2])
return false
`;
