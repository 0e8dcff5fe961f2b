-- wrk script for `make bench`: GET the URL given on the command line, or,
-- when env BENCH_POST_PATH is set, POST guest comments there as JSON
-- (bodies of 50-800 characters, about 20% replies to the ids in env
-- BENCH_PARENTS), each from a client of its own: a new guest (no cookie)
-- at its own address, sent as X-Forwarded-For through the trusted
-- loopback proxy, so the per-writer and per-address limits count each
-- client apart, as they would on a real site. Counts every response status and prints one line
-- "WRK requests=... rps=... p50_ms=... p99_ms=... non2xx=... err_*=..."
-- in the same format as ../shared/bench/wrk/report.lua, so the numbers of
-- Dateline and of the peer are read the same way. With env
-- BENCH_READ_PATHS ("path,path,..."), it GETs those paths in turn instead
-- (the storm's readers), and also counts the X-Dateline-Cache answers
-- ("cache=front:N,hit:N,miss:N,...": what served each page).
local threads = {}
local thread_no = 0

function setup(thread)
  thread_no = thread_no + 1
  thread:set("thread_no", thread_no)
  table.insert(threads, thread)
end

local words = {}
for w in string.gmatch("the council vote bridge river ferry crossing water price report budget reader source figure map district harbour road closure engineer inspector minister statement week evening morning question answer evidence claim numbers survey hospital school tram line station border market fuel shortage winter power cable repair crew agree disagree doubt think seems clear fair point however because although still already", "%S+") do
  table.insert(words, w)
end

local function make_text()
  local target = math.random(50, 800)
  local t, len = {}, 0
  while len < target do
    local w = words[math.random(#words)]
    table.insert(t, w)
    len = len + #w + 1
  end
  return string.sub(table.concat(t, " "), 1, target)
end

function init(args)
  statuses = {}
  caches = {}
  local read_paths = os.getenv("BENCH_READ_PATHS")
  if read_paths then
    pool = {}
    for path in string.gmatch(read_paths, "[^,]+") do
      table.insert(pool, wrk.format("GET", path))
    end
    return
  end
  local post_path = os.getenv("BENCH_POST_PATH")
  if not post_path then
    pool = {wrk.format()}
    return
  end
  math.randomseed(1000 + (thread_no or 0))
  run_offset = tonumber(os.getenv("BENCH_RUN") or "0")
  local parents = {}
  for id in string.gmatch(os.getenv("BENCH_PARENTS") or "", "%d+") do
    table.insert(parents, id)
  end
  -- a pool of ready bodies, so the client spends little CPU per request
  bodies = {}
  for i = 1, 256 do
    local user = math.random(0, 99)
    local parent = "null"
    if #parents > 0 and math.random() < 0.2 then parent = parents[math.random(#parents)] end
    bodies[i] = string.format(
      '{"body": "%s", "name": "Reader %02d", "email": "reader%02d@example.invalid", "parent_id": %s}',
      make_text(), user, user, parent)
  end
end

n = 0

function request()
  n = n + 1
  if not bodies then return pool[(n % #pool) + 1] end
  -- 10.x.y.z: a different address for every request, each in another /24
  -- than the last 65,535 (the per-network budget counts a /24 as one
  -- network, as it would count a real one). BENCH_RUN (a random number
  -- per phase) moves the range, so phases run back to back, or a rerun
  -- within the hour, do not reuse the addresses of the last one.
  local k = run_offset + n * 8 + (thread_no or 0)
  local client = string.format("10.%d.%d.%d",
    math.floor(k / 256) % 256, k % 256, 1 + math.floor(k / 65536) % 254)
  return wrk.format("POST", os.getenv("BENCH_POST_PATH"), {
    ["Content-Type"] = "application/json",
    ["X-Forwarded-For"] = client,
  }, bodies[(n % #bodies) + 1])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local source = headers["X-Dateline-Cache"] or headers["x-dateline-cache"] or "none"
  caches[source] = (caches[source] or 0) + 1
end

function done(summary, latency, requests)
  local agg, sources = {}, {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for code, c in pairs(s) do agg[code] = (agg[code] or 0) + c end
    for source, c in pairs(t:get("caches")) do sources[source] = (sources[source] or 0) + c end
  end
  local cache_parts = {}
  for source, c in pairs(sources) do table.insert(cache_parts, source .. ":" .. c) end
  table.sort(cache_parts)
  local ok, bad, parts = 0, 0, {}
  for code, c in pairs(agg) do
    if code >= 200 and code < 300 then ok = ok + c else bad = bad + c end
    table.insert(parts, code .. ":" .. c)
  end
  table.sort(parts)
  local dur = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%d duration_s=%.3f rps=%.2f ok2xx=%d non2xx=%d statuses=%s " ..
    "err_connect=%d err_read=%d err_write=%d err_timeout=%d err_status=%d " ..
    "p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f mean_ms=%.2f bytes_per_req=%.0f cache=%s\n",
    summary.requests, dur, summary.requests / dur, ok, bad,
    (#parts > 0 and table.concat(parts, ",") or "none"),
    e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000,
    (summary.requests > 0 and summary.bytes / summary.requests or 0),
    (#cache_parts > 0 and table.concat(cache_parts, ",") or "none")))
end
