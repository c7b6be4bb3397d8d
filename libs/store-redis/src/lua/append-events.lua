#!lua
--[[
  Appends the entries of one shard's outbox to the event log, in the outbox's order, skipping the entries appended
  already: any store instance may append a shard's outbox (the one that committed the entries, or whoever finds
  them left behind by a process that died), and the same entries may be sent twice, so the position of each
  shard (the sequence of its last appended entry) makes the appends exactly-once. Each entry's stream id is pushed
  to its task's task-events list.

  Input:
    KEYS[1] events            KEYS[2] outbox-positions
    KEYS[3...] task-events:<id> of each entry, in ARGV's order
    ARGV[1] the shard's number
    ARGV[2...] sequence, task id, time (ms) and JSON event of each entry, oldest first
  Output: the shard's position after the append.
]]
local position = tonumber(redis.call('HGET', KEYS[2], ARGV[1])) or 0
for entry = 1, #KEYS - 2 do
  local at = 4 * entry - 2
  local sequence = tonumber(ARGV[at])
  if sequence > position then
    -- '*': Redis draws ids above the stream's last one, so they increase in the order entries are appended.
    local id = redis.call('XADD', KEYS[1], '*', 'at', ARGV[at + 2], 't', ARGV[at + 1], 'e', ARGV[at + 3])
    redis.call('RPUSH', KEYS[2 + entry], id)
    position = sequence
  end
end
redis.call('HSET', KEYS[2], ARGV[1], position)
return position
