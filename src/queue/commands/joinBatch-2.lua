--[[
  Adds valid items to a batch that single items join (the batch of the day), atomically:
  creates the batch if these are its first items (fields already set are left as they are),
  counts the items in `rows` and `valid`, and lists them in the order given. Every key is the batch's (one cluster slot); the
  caller indexes the batch and reads the items' records beside this call, in the same round trip
  (batch-store.ts joinItem), because those keys live in other slots.

  Input:
    KEYS[1] the batch's meta hash
    KEYS[2] the batch's item list
    ARGV[1] batch id
    ARGV[2] created at (epoch ms), for a new batch
    ARGV[3] state, for a new batch
    ARGV[4] source, for a new batch
    ARGV[5..] the items' list entries (`<row>\t<job id>`), one or more

  Output: 1 when this call created the batch, else 0
]]
local created = redis.call('HSETNX', KEYS[1], 'id', ARGV[1])
if created == 1 then
  redis.call('HSET', KEYS[1], 'createdAt', ARGV[2], 'state', ARGV[3], 'source', ARGV[4], 'invalid', 0)
end
local count = #ARGV - 4
redis.call('HINCRBY', KEYS[1], 'rows', count)
redis.call('HINCRBY', KEYS[1], 'valid', count)
redis.call('RPUSH', KEYS[2], unpack(ARGV, 5))
return created
