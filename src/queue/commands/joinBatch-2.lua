--[[
  Adds one valid item to a batch that single items join (the batch of the day), atomically:
  creates the batch if this is its first item (fields already set are left as they are), counts
  the item in `rows` and `valid`, and lists it. Every key is the batch's (one cluster slot); the
  caller indexes the batch and reads the item's record beside this call, in the same round trip
  (batch-store.ts joinItem), because those keys live in other slots.

  Input:
    KEYS[1] the batch's meta hash
    KEYS[2] the batch's item list
    ARGV[1] batch id
    ARGV[2] created at (epoch ms), for a new batch
    ARGV[3] state, for a new batch
    ARGV[4] source, for a new batch
    ARGV[5] the item's list entry (`<row>\t<job id>`)

  Output: 1 when this call created the batch, else 0
]]
local created = redis.call('HSETNX', KEYS[1], 'id', ARGV[1])
if created == 1 then
  redis.call('HSET', KEYS[1], 'createdAt', ARGV[2], 'state', ARGV[3], 'source', ARGV[4], 'invalid', 0)
end
redis.call('HINCRBY', KEYS[1], 'rows', 1)
redis.call('HINCRBY', KEYS[1], 'valid', 1)
redis.call('RPUSH', KEYS[2], ARGV[5])
return created
