--[[
  Writes an item record if the transition is allowed (record-transitions.ts decides which
  outcomes a write may replace and passes them in), and only from the worker that holds the
  job's lock. Optionally clears the call intent in the same step (the answer is on record).

  Input:
    KEYS[1] results hash (job id -> item record JSON)
    KEYS[2] intents hash (job id -> call intent JSON)
    KEYS[3] the job's BullMQ lock key (ignored when ARGV[2] is empty)
    ARGV[1] job id
    ARGV[2] lock token, or '' for no lock check
    ARGV[3] the new record JSON
    ARGV[4] comma-separated outcomes the current record may hold
    ARGV[5] '1' when the record may be absent
    ARGV[6] '1' to clear the call intent

  Output: { status, current record JSON or nil }
    status 'ok' | 'refused' | 'lock-lost' | 'corrupt'
]]
local jobId = ARGV[1]
local token = ARGV[2]
local current = redis.call('HGET', KEYS[1], jobId)
if token ~= '' and redis.call('GET', KEYS[3]) ~= token then
  return { 'lock-lost', current }
end
if not current then
  if ARGV[5] ~= '1' then
    return { 'refused', false }
  end
else
  local ok, decoded = pcall(cjson.decode, current)
  if not ok or type(decoded) ~= 'table' or type(decoded.o or decoded.outcome) ~= 'string' then
    return { 'corrupt', current }
  end
  local allowed = false
  for outcome in string.gmatch(ARGV[4], '[^,]+') do
    if (decoded.o or decoded.outcome) == outcome then
      allowed = true
    end
  end
  if not allowed then
    return { 'refused', current }
  end
end
redis.call('HSET', KEYS[1], jobId, ARGV[3])
if ARGV[6] == '1' then
  redis.call('HDEL', KEYS[2], jobId)
end
return { 'ok', current }
