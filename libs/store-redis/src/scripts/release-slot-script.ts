/**
 * Frees a holder's slot of a concurrency key (see `ConcurrencyLimits.releaseSlot`) and, when it held one, publishes
 * on the work channel so that throttled steps of every worker ask again.
 *
 * KEYS: the key's slots. ARGV: holder, the work channel (a channel, not a key). Returns 1 when a slot was freed.
 */
export const RELEASE_SLOT_SCRIPT = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('PUBLISH', ARGV[2], 1)
return 1
`;
