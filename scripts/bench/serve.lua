-- wrk script of scripts/bench/serve.sh: POSTs the request bodies of a file (one JSON body a
-- line) in turn to /invocations, and prints one machine-readable line at the end.
--   wrk ... -s serve.lua URL -- BODIES_FILE
local requests = {}
local next_request = 1

function init(args)
  local headers = { ["Content-Type"] = "application/json" }
  for body in io.lines(args[1]) do
    requests[#requests + 1] = wrk.format("POST", "/invocations", headers, body)
  end
  next_request = math.random(#requests)
end

function request()
  local r = requests[next_request]
  next_request = next_request % #requests + 1
  return r
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f p50_us=%d p99_us=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
