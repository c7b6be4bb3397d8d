#!lua
--[[
  Records one webhook delivery try: pushes `<sequence> <json>` onto the webhook's list (newest first; the sequence
  orders tries across webhooks), trims the list to its newest `keep`, and adds the name to the webhooks set.

  Input:
    KEYS[1] webhook-deliveries:<name>    KEYS[2] webhook-deliveries-seq    KEYS[3] webhooks
    ARGV[1] webhook name
    ARGV[2] JSON try
    ARGV[3] how many tries to keep
  Output: the try's sequence.
]]
local sequence = redis.call('INCR', KEYS[2])
redis.call('LPUSH', KEYS[1], sequence .. ' ' .. ARGV[2])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[3]) - 1)
redis.call('SADD', KEYS[3], ARGV[1])
return sequence
