-- wrk script: POST /api/v1/cases with the bench contact, counting every response status per thread.
-- Needs PISHKHAN_API_KEY and PISHKHAN_CONTACT_ID in the environment (run.sh sets them).
--
-- Without PISHKHAN_RATE every connection sends its next request as soon as the last one is answered (closed loop:
-- the load is as high as the server can take, and latency is mostly time spent queued behind the other connections).
-- With PISHKHAN_RATE=N (requests per second, all threads together) and PISHKHAN_THREADS (wrk's -t), requests leave on a
-- fixed schedule instead, N per second, whatever the answers do; a request is "late" when no connection was free at its
-- time (the server fell behind), and the number of late sends is printed so a run that could not hold the rate shows it.
local threads = {}
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } pk_timespec;
  int clock_gettime(int clock, pk_timespec *t);
]]
local now_ts = ffi.new("pk_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, now_ts) -- CLOCK_MONOTONIC
  return tonumber(now_ts.tv_sec) * 1000 + tonumber(now_ts.tv_nsec) / 1e6
end

local rate = tonumber(os.getenv("PISHKHAN_RATE") or "")
local interval_ms = rate and (tonumber(os.getenv("PISHKHAN_THREADS") or "1") * 1000 / rate)
local next_ms = nil
late, late_max_ms = 0, 0

function setup(thread)
  table.insert(threads, thread)
end

if interval_ms then
  -- Each call takes the thread's next slot on the schedule and waits for it.
  function delay()
    local t = now_ms()
    next_ms = (next_ms or t) + interval_ms
    local wait = next_ms - t
    if wait < -1 then
      late = late + 1
      late_max_ms = math.max(late_max_ms, -wait)
    end
    return math.max(0, math.floor(wait))
  end
end

wrk.method = "POST"
wrk.path = "/api/v1/cases"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Api-Key"] = os.getenv("PISHKHAN_API_KEY")
wrk.body = string.format(
  '{"subject":"Printer on floor 3 is jammed","description":"The shared printer shows a paper jam error after every second page.","contactId":"%s","priority":"high"}',
  os.getenv("PISHKHAN_CONTACT_ID"))

statuses = {}

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total, created, other, late_sends, late_max = {}, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("statuses")) do
      total[status] = (total[status] or 0) + n
    end
    late_sends = late_sends + t:get("late")
    late_max = math.max(late_max, t:get("late_max_ms"))
  end
  for status, n in pairs(total) do
    if status == 201 then created = created + n else other = other + n end
    io.write(string.format("status_%d=%d\n", status, n))
  end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("requests=%d\nseconds=%.2f\nrate=%.1f\ncreated_201=%d\nnon_201=%d\n",
    summary.requests, seconds, summary.requests / seconds, created, other))
  if interval_ms then
    io.write(string.format("target_rate=%.1f\nlate_sends=%d\nlate_max_ms=%.1f\n", rate, late_sends, late_max))
  end
  io.write(string.format("socket_errors connect=%d read=%d write=%d timeout=%d\n", e.connect, e.read, e.write, e.timeout))
  for _, p in ipairs({ 50, 90, 99, 99.9 }) do
    io.write(string.format("latency_p%s_ms=%.2f\n", tostring(p), latency:percentile(p) / 1000))
  end
  io.write(string.format("latency_mean_ms=%.2f\nlatency_max_ms=%.2f\n", latency.mean / 1000, latency.max / 1000))
end
