import { LUA_PRELUDE } from './lua-prelude.js';

/**
 * Records one webhook delivery try: pushes `<sequence> <json>` onto the webhook's `webhook-deliveries:<name>` list
 * (newest first; the sequence, drawn from `webhook-deliveries-seq`, orders tries across webhooks), trims the list to
 * its newest `keep`, and adds the name to the `webhooks` set.
 *
 * ARGV: prefix, webhook name, JSON try, keep.
 */
export const RECORD_WEBHOOK_DELIVERY_SCRIPT = `${LUA_PRELUDE}
local list = key('webhook-deliveries:' .. ARGV[2])
local sequence = redis.call('INCR', key('webhook-deliveries-seq'))
redis.call('LPUSH', list, sequence .. ' ' .. ARGV[3])
redis.call('LTRIM', list, 0, tonumber(ARGV[4]) - 1)
redis.call('SADD', key('webhooks'), ARGV[2])
return sequence
`;
