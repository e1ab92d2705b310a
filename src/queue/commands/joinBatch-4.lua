--[[
  Adds one valid item to a batch that single items join (the batch of the day), atomically:
  creates the batch if this is its first item (fields already set are left as they are), counts
  the item in `rows` and `valid`, and lists it; and reads the item's record in the same step
  (the caller decides from it whether to add a job). One round trip per item: single items come
  one request at a time, and each round trip shows in the API's throughput.

  Input:
    KEYS[1] the batch's meta hash
    KEYS[2] the sorted set of batch ids by creation time
    KEYS[3] the batch's item list
    KEYS[4] the results hash (job id -> item record JSON)
    ARGV[1] batch id
    ARGV[2] created at (epoch ms), for a new batch
    ARGV[3] state, for a new batch
    ARGV[4] source, for a new batch
    ARGV[5] the item's list entry (`<row>\t<job id>`)
    ARGV[6] the item's job id

  Output: { 1 when this call created the batch else 0, the item's record JSON or false }
]]
local created = redis.call('HSETNX', KEYS[1], 'id', ARGV[1])
if created == 1 then
  redis.call('HSET', KEYS[1], 'createdAt', ARGV[2], 'state', ARGV[3], 'source', ARGV[4], 'invalid', 0)
  redis.call('ZADD', KEYS[2], 'NX', ARGV[2], ARGV[1])
end
redis.call('HINCRBY', KEYS[1], 'rows', 1)
redis.call('HINCRBY', KEYS[1], 'valid', 1)
redis.call('RPUSH', KEYS[3], ARGV[5])
return { created, redis.call('HGET', KEYS[4], ARGV[6]) }
