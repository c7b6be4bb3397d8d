#!lua
--[[
  Appends entries of the shards' outboxes to the event log, in the order given (each shard's entries oldest first),
  skipping the entries appended already: any store instance may append a shard's outbox (the one that committed
  the entries, or whoever finds them left behind by a process that died), and the same entries may be sent twice,
  so the position of each shard (the sequence of its last appended entry) makes the appends exactly-once. Each
  entry's stream id is pushed to its task's task-events list.

  Input:
    KEYS[1] events            KEYS[2] outbox-positions
    KEYS[3...] task-events:<id> of each entry, in ARGV's order
    ARGV[1...] shard number, sequence, task id, time (ms) and JSON event of each entry
  Output: the positions after the append: [shard, sequence, ...] of each shard sent.
]]
local positions, shards = {}, {}
for entry = 1, #KEYS - 2 do
  local at = 5 * entry - 4
  local shard, sequence = ARGV[at], tonumber(ARGV[at + 1])
  if not positions[shard] then
    positions[shard] = tonumber(redis.call('HGET', KEYS[2], shard)) or 0
    shards[#shards + 1] = shard
  end
  if sequence > positions[shard] then
    -- '*': Redis draws ids above the stream's last one, so they increase in the order entries are appended.
    local id = redis.call('XADD', KEYS[1], '*', 'at', ARGV[at + 3], 't', ARGV[at + 2], 'e', ARGV[at + 4])
    redis.call('RPUSH', KEYS[2 + entry], id)
    positions[shard] = sequence
  end
end
local reply = {}
for _, shard in ipairs(shards) do
  redis.call('HSET', KEYS[2], shard, positions[shard])
  reply[#reply + 1] = shard
  reply[#reply + 1] = positions[shard]
end
return reply
