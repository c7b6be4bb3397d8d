-- Makes a stored task visible to lists and claims (the KEYS of create-task.lua): its index entries (a task created
-- finished in retention's index, by its updatedAt), and its lease when created leased (token 1, claimable when the
-- lease expires), else its claimable time (creation, or runAt when delayed) with a message on the work channel so
-- that an idle worker claims it at once; and its analytics rollup (so a staged task counts once published).
local function publish_task(new, channel)
  redis.call('ZADD', KEYS[7], 0, new.member)
  redis.call('ZADD', KEYS[8], 0, new.member)
  for position = 13, #KEYS do redis.call('ZADD', KEYS[position], 0, new.member) end
  rollup_create(KEYS[5], KEYS[6], new.rollup, KEYS[11], KEYS[12])
  local unfinished = is_unfinished(new.state)
  if unfinished then
    redis.call('ZADD', KEYS[9], 0, new.member)
  else
    redis.call('ZADD', KEYS[10], new.finishedAt, new.id)
  end
  if new.lease then
    redis.call('HSET', KEYS[3], new.id, new.lease.owner)
    redis.call('HSET', KEYS[4], new.id, 1)
    redis.call('ZADD', KEYS[2], new.lease.expiry, new.member)
    if unfinished then redis.call('ZADD', KEYS[1], new.lease.expiry, new.member) end
  elseif unfinished then
    redis.call('ZADD', KEYS[1], new.claimableAt, new.member)
    redis.call('PUBLISH', channel, 1)
  end
end
