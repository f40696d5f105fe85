-- wrk script of scripts/bench/soak.sh: valid requests of every content type, with about one in
-- ten (HOSTILE_PERCENT) malformed or hostile: bad JSON, wrong content types and Accept, invalid
-- UTF-8, huge and odd paths, oversized bodies, bad methods, header junk, bytes that are not HTTP.
--   wrk -t N -c N ... -s soak.lua URL -- DIR [HOSTILE_PERCENT] [MAX_BODY_BYTES]
-- DIR holds titles.txt (one headline a line) and titles.json (each as a JSON string).
-- wrk must run one connection per thread (-t equal to -c): a thread's requests and answers then
-- alternate, so each answer is tallied under the request it answers, and a request sent before
-- the previous one was answered means that the connection was dropped under it.
-- done() prints, one a line:
--   TALLY valid|hostile TAG STATUS COUNT   answers by class, kind of request and status
--   SENT valid|hostile COUNT
--   DROPPED valid|hostile COUNT            requests whose connection closed before an answer
--   DROP TAG after PREVIOUS-TAG COUNT      the dropped requests by kind, and the kind before each
--   INFLIGHT COUNT                         requests still unanswered when wrk stopped
--   WRK requests=... seconds=... connect=... read=... write=... timeout=...

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_number", thread_count)
  table.insert(threads, thread)
end

-- Globals: done() reads them from each thread's state.
tallies = {}
sent = { valid = 0, hostile = 0 }
dropped = { valid = 0, hostile = 0 }
drops = {}  -- "TAG after PREVIOUS-TAG": which requests were dropped, and what came before them
in_flight = nil
local previous = "-"

local valid = {}
local hostile = {}
local hostile_percent = 10

local function lines(path)
  local out = {}
  for l in io.lines(path) do out[#out + 1] = l end
  return out
end

local function csv_quote(s) return '"' .. s:gsub('"', '""') .. '"' end

function init(args)
  math.randomseed(1000 + (thread_number or 0))
  verifying = thread_number == 1
  local dir = args[1]
  hostile_percent = tonumber(args[2] or "10")
  local max_body = tonumber(args[3] or tostring(1024 * 1024))
  local titles = lines(dir .. "/titles.txt")
  local quoted = lines(dir .. "/titles.json")
  local n = #titles
  local json = { ["Content-Type"] = "application/json" }
  -- Valid requests: built from a few hundred headlines at random offsets.
  for i = 1, 400 do
    local a, b, c = (i * 7) % n + 1, (i * 13) % n + 1, (i * 31) % n + 1
    local kind = i % 8
    local r
    if kind <= 2 then
      r = { "json", wrk.format("POST", "/invocations", json, '{"input": ' .. quoted[a] .. '}') }
    elseif kind == 3 then
      r = { "instances", wrk.format("POST", "/invocations", { ["Content-Type"] = "application/json", ["Accept"] = "text/csv" },
        '{"instances": [' .. quoted[a] .. ', ' .. quoted[b] .. ', ' .. quoted[c] .. '], "configuration": {"k": 2}}') }
    elseif kind == 4 then
      r = { "jsonlines", wrk.format("POST", "/invocations", { ["Content-Type"] = "application/jsonlines" },
        '{"id": ' .. i .. ', "input": ' .. quoted[a] .. '}\n{"id": 123456789012345678901234567890, "title": ' .. quoted[b] .. '}\n') }
    elseif kind == 5 then
      r = { "plain", wrk.format("POST", "/invocations", { ["Content-Type"] = "text/plain; charset=utf-8" },
        titles[a] .. "\n" .. titles[b] .. "\n" .. titles[c] .. "\n") }
    elseif kind == 6 then
      r = { "csv", wrk.format("POST", "/invocations", { ["Content-Type"] = "text/csv", ["Accept"] = "application/jsonlines" },
        csv_quote(titles[a]) .. "\r\n" .. csv_quote(titles[b]) .. "\r\n") }
    else
      r = { "ping", wrk.format("GET", "/ping") }
    end
    valid[#valid + 1] = r
  end
  -- Hostile requests, each kind as often as it is listed.
  local function add(tag, text, weight)
    for _ = 1, weight or 1 do hostile[#hostile + 1] = { tag, text } end
  end
  local plain = { ["Content-Type"] = "text/plain" }
  add("bad_json", wrk.format("POST", "/invocations", json, '{"input": "Fed holds'), 3)
  add("not_an_object", wrk.format("POST", "/invocations", json, '[1, 2, 3]'))
  add("no_headline", wrk.format("POST", "/invocations", json, '{"inputs": "x", "instances": 7}'))
  add("bad_k", wrk.format("POST", "/invocations", json, '{"instances": ["a"], "configuration": {"k": 1e400}}'))
  add("empty_body", wrk.format("POST", "/invocations", json, ""))
  add("wrong_type", wrk.format("POST", "/invocations", { ["Content-Type"] = "application/xml" }, "<input>x</input>"), 2)
  add("bad_accept", wrk.format("POST", "/invocations", { ["Content-Type"] = "application/json", ["Accept"] = "image/png" },
    '{"input": "x"}'))
  add("utf8_plain", wrk.format("POST", "/invocations", plain, "Fed holds rates\nApple \255\254 unveils\n"), 2)
  add("utf8_json", wrk.format("POST", "/invocations", json, '{"input": "caf\195"}'))
  add("utf8_jsonlines", wrk.format("POST", "/invocations", { ["Content-Type"] = "application/jsonlines" },
    '{"input": "ok"}\n{"input": "\192\128"}\n'))
  add("huge_path", wrk.format("GET", "/" .. string.rep("a", 20000)))
  add("long_path", wrk.format("GET", "/" .. string.rep("%ff", 2000)))
  add("odd_path", "GET /invocations/../%00\1\127\255\"\\ HTTP/1.1\r\nHost: x\r\n\r\n", 2)
  add("star_path", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n")
  add("oversized", wrk.format("POST", "/invocations", plain, string.rep("a", max_body + 1024)))
  add("bad_method", wrk.format("DELETE", "/invocations"), 2)
  add("odd_method", "BREW /ping HTTP/1.1\r\nHost: x\r\n\r\n")
  add("header_junk", "GET /ping HTTP/1.1\r\nHost: x\r\nthis is no header\r\n\r\n", 2)
  add("header_bytes", "GET /ping HTTP/1.1\r\nHost: x\r\nX-\1\255: \0\r\n\r\n")
  add("bad_length", "POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 12abc\r\n\r\n")
  add("bad_chunk", "POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n" ..
    "zz\r\nabc\r\n0\r\n\r\n")
  add("not_http", "HELLO\r\n\r\n")
  add("http_0_9", "GET /\r\n\r\n")
end

function request()
  -- wrk calls request() once on the first thread's state before it starts, to check that the
  -- request parses as HTTP: that call gets a plain valid request, and is not counted.
  if verifying then
    verifying = false
    return wrk.format("GET", "/ping")
  end
  if in_flight then
    dropped[in_flight[1]] = dropped[in_flight[1]] + 1
    local key = in_flight[2] .. " after " .. previous
    drops[key] = (drops[key] or 0) + 1
    previous = in_flight[2]
  end
  local class, r
  if math.random(100) <= hostile_percent then
    class, r = "hostile", hostile[math.random(#hostile)]
  else
    class, r = "valid", valid[math.random(#valid)]
  end
  sent[class] = sent[class] + 1
  in_flight = { class, r[1] }
  return r[2]
end

function response(status, headers, body)
  local key = (in_flight and (in_flight[1] .. " " .. in_flight[2]) or "unmatched -") .. " " .. status
  tallies[key] = (tallies[key] or 0) + 1
  previous = in_flight and in_flight[2] or "-"
  in_flight = nil
end

function done(summary, latency, requests)
  local total, drop_total = {}, {}
  local totals = { sent = { valid = 0, hostile = 0 }, dropped = { valid = 0, hostile = 0 } }
  local pending = 0
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get("tallies")) do total[key] = (total[key] or 0) + count end
    for key, count in pairs(thread:get("drops")) do drop_total[key] = (drop_total[key] or 0) + count end
    for _, what in ipairs({ "sent", "dropped" }) do
      local t = thread:get(what)
      for class, count in pairs(t) do totals[what][class] = totals[what][class] + count end
    end
    if thread:get("in_flight") then pending = pending + 1 end
  end
  for key, count in pairs(total) do io.write(string.format("TALLY %s %d\n", key, count)) end
  for key, count in pairs(drop_total) do io.write(string.format("DROP %s %d\n", key, count)) end
  for _, class in ipairs({ "valid", "hostile" }) do
    io.write(string.format("SENT %s %d\nDROPPED %s %d\n", class, totals.sent[class], class, totals.dropped[class]))
  end
  io.write(string.format("INFLIGHT %d\n", pending))
  local e = summary.errors
  io.write(string.format("WRK requests=%d seconds=%.3f p50_us=%d p99_us=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout))
end
