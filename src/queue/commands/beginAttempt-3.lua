--[[
  Starts a run of a job on its item record, atomically: refuses a worker that no longer holds
  the job's lock, reports a record that already ends the job, and otherwise writes the intent
  of the call about to be sent (result-store.ts, item-record.ts).

  Input:
    KEYS[1] results hash (job id -> item record JSON)
    KEYS[2] intents hash (job id -> call intent JSON)
    KEYS[3] the job's BullMQ lock key (ignored when ARGV[2] is empty)
    ARGV[1] job id
    ARGV[2] lock token, or '' for no lock check
    ARGV[3] the intent JSON to write
    ARGV[4] comma-separated outcomes that end the job (finals)

  Output: { status, record JSON or nil, earlier intent JSON or nil }
    status 'lock-lost' | 'corrupt' | 'final' | 'started'
]]
local jobId = ARGV[1]
local token = ARGV[2]
if token ~= '' and redis.call('GET', KEYS[3]) ~= token then
  return { 'lock-lost', false, false }
end
local record = redis.call('HGET', KEYS[1], jobId)
local earlier = redis.call('HGET', KEYS[2], jobId)
if record then
  local ok, decoded = pcall(cjson.decode, record)
  if not ok or type(decoded) ~= 'table' or type(decoded.o or decoded.outcome) ~= 'string' then
    return { 'corrupt', record, earlier }
  end
  for outcome in string.gmatch(ARGV[4], '[^,]+') do
    if (decoded.o or decoded.outcome) == outcome then
      return { 'final', record, earlier }
    end
  end
end
redis.call('HSET', KEYS[2], jobId, ARGV[3])
return { 'started', record, earlier }
