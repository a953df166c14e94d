-- wrk script: POST /api/v1/cases with the bench contact, counting every response status per thread.
-- Needs PISHKHAN_API_KEY and PISHKHAN_CONTACT_ID in the environment (run.sh sets them).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
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
  local total, created, other = {}, 0, 0
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("statuses")) do
      total[status] = (total[status] or 0) + n
    end
  end
  for status, n in pairs(total) do
    if status == 201 then created = created + n else other = other + n end
    io.write(string.format("status_%d=%d\n", status, n))
  end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("requests=%d\nseconds=%.2f\nrate=%.1f\ncreated_201=%d\nnon_201=%d\n",
    summary.requests, seconds, summary.requests / seconds, created, other))
  io.write(string.format("socket_errors connect=%d read=%d write=%d timeout=%d\n", e.connect, e.read, e.write, e.timeout))
  for _, p in ipairs({ 50, 90, 99, 99.9 }) do
    io.write(string.format("latency_p%s_ms=%.2f\n", tostring(p), latency:percentile(p) / 1000))
  end
  io.write(string.format("latency_mean_ms=%.2f\nlatency_max_ms=%.2f\n", latency.mean / 1000, latency.max / 1000))
end
