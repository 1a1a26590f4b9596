-- wrk script for trm serve's load benchmark (bench/serve/load.sh runs it).
-- Each request POSTs one puzzle to /v1/solve (or, with API=v2, to the Open Inference Protocol's
-- /v2/models/$MODEL/infer as a one-element BYTES tensor; with API=stream, to /v1/solve/stream), cycling through the lines of $PUZZLES, with
-- $EFFORT and $POLICY; with TOKEN set, it sends 'Authorization: Bearer $TOKEN'. Each wrk thread stops after $MAX_REQUESTS responses, so a run is bounded in requests
-- as well as in seconds (wrk -d). done() prints one line of key=value pairs for the script to read.

local puzzles = {}
local effort = os.getenv("EFFORT") or "adaptive"
local policy = os.getenv("POLICY") or "verified+q-halt"
local timeout_ms = os.getenv("TIMEOUT_MS") or "60000"
local max_requests = tonumber(os.getenv("MAX_REQUESTS") or "100000")
-- RATE (requests/s over all connections): each connection waits CONNECTIONS/RATE s between requests,
-- an open-loop load that does not speed up when the server answers 429 at once; unset: closed loop
local rate = tonumber(os.getenv("RATE") or "0")
local connections = tonumber(os.getenv("CONNECTIONS") or "1")
local api = os.getenv("API") or "v1"
local model = os.getenv("MODEL") or "sudoku-default"
local token = os.getenv("TOKEN")
local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   for line in io.lines(os.getenv("PUZZLES")) do
      if #line > 0 then table.insert(puzzles, line) end
   end
   next_puzzle = 0 -- in file order from the first, so that a run of N requests on one connection solves the first N puzzles
   responses, ok, queue_full, unavailable, other = 0, 0, 0, 0, 0
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/json"
   if token and #token > 0 then wrk.headers["Authorization"] = "Bearer " .. token end
end

function request()
   next_puzzle = next_puzzle % #puzzles + 1
   if api == "v2" then
      local body = string.format('{"inputs":[{"name":"puzzle","datatype":"BYTES","shape":[1],"data":["%s"]}],'
         .. '"parameters":{"effort":"%s","policy":"%s","timeout_ms":%s}}', puzzles[next_puzzle], effort, policy, timeout_ms)
      return wrk.format(nil, "/v2/models/" .. model .. "/infer", nil, body)
   end
   local body = string.format('{"puzzles":["%s"],"effort":"%s","policy":"%s","timeout_ms":%s}',
      puzzles[next_puzzle], effort, policy, timeout_ms)
   -- API=stream: the same body to the step stream (wrk reads the chunked events to their end)
   return wrk.format(nil, api == "stream" and "/v1/solve/stream" or "/v1/solve", nil, body)
end

if rate > 0 then -- defined only for an open loop: wrk treats a script with delay() differently
   function delay()
      return math.floor(1000 * connections / rate)
   end
end

function response(status, headers, body)
   responses = responses + 1
   if status == 200 then ok = ok + 1
   elseif status == 429 then queue_full = queue_full + 1
   elseif status == 503 then unavailable = unavailable + 1
   else other = other + 1 end
   if responses >= max_requests then wrk.thread:stop() end
end

function done(summary, latency, requests)
   local n200, n429, n503, nother = 0, 0, 0, 0
   for _, t in ipairs(threads) do
      n200 = n200 + t:get("ok")
      n429 = n429 + t:get("queue_full")
      n503 = n503 + t:get("unavailable")
      nother = nother + t:get("other")
   end
   local e = summary.errors
   io.write(string.format("RESULT requests=%d seconds=%.3f mean_ms=%.2f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f "
      .. "ok=%d s429=%d s503=%d other=%d connect=%d read=%d write=%d timeout=%d\n",
      summary.requests, summary.duration / 1e6, latency.mean / 1e3, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
      latency:percentile(99) / 1e3, latency.max / 1e3, n200, n429, n503, nother, e.connect, e.read, e.write, e.timeout))
end
