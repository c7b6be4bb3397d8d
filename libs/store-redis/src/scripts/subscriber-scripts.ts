import { LUA_PRELUDE } from './lua-prelude.js';

/**
 * Takes or renews the hold on a subscriber name (hash `subscriber:<name>`): when the name is new, its hold lapsed
 * (`until` at or before now) or the claimer holds it already; the token is raised unless the claimer renews in time.
 *
 * ARGV: prefix, name, worker id, now (ms), until (ms). Returns `{token, position}` (position `false` when none), or
 * `false` when another worker holds the name.
 */
export const CLAIM_SUBSCRIBER_SCRIPT = `${LUA_PRELUDE}
local subscriber = key('subscriber:' .. ARGV[2])
local worker, now, new_until = ARGV[3], tonumber(ARGV[4]), ARGV[5]
local fields = redis.call('HMGET', subscriber, 'owner', 'token', 'until', 'position')
local owner, token, held_until = fields[1], tonumber(fields[2] or '0'), tonumber(fields[3] or '0')
local held = held_until > now
if held and owner ~= worker then return false end
if not (held and owner == worker) then token = token + 1 end
redis.call('HSET', subscriber, 'owner', worker, 'token', token, 'until', new_until)
return { token, fields[4] or false }
`;

/**
 * Records a subscriber's position if the token given is still its hold's.
 *
 * ARGV: prefix, name, token, position. Returns 1 when saved, 0 when the token is stale.
 */
export const SAVE_SUBSCRIBER_POSITION_SCRIPT = `${LUA_PRELUDE}
local subscriber = key('subscriber:' .. ARGV[2])
if redis.call('HGET', subscriber, 'token') ~= ARGV[3] then return 0 end
redis.call('HSET', subscriber, 'position', ARGV[4])
return 1
`;

/**
 * Ends a subscriber's hold at once if the token given is still its own.
 *
 * ARGV: prefix, name, token.
 */
export const RELEASE_SUBSCRIBER_SCRIPT = `${LUA_PRELUDE}
local subscriber = key('subscriber:' .. ARGV[2])
if redis.call('HGET', subscriber, 'token') == ARGV[3] then redis.call('HSET', subscriber, 'until', 0) end
return 0
`;
