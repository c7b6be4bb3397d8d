#!lua flags=no-writes
--[[
  What a claim would take from one shard, without taking it: a store of several shards reads every shard's
  candidates, picks the first `limit` across shards in claim order, and then claims from each shard as many as it
  picked there (claim-tasks.lua).

  Input:
    KEYS[1] idx:claimable     KEYS[2] idx:leased       KEYS[3] owners
    ARGV[1] worker id
    ARGV[2] now (ms)
    ARGV[3] limit
    ARGV[4] '1' to include the worker's own leases
  Output: { due [member, score, ...] (at most limit), own leases [member, score, ...], next due time or false }
]]
--- @include "tasks"
--- @include "claim-candidates"
local due, own, next_due = claim_candidates(ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4] == '1')
return {due, own, next_due}
