-- wrk script for the read probe: a 2026-07-28 resources/read of bench://doc per request.
-- Prints one line: MCPB_READ {"requests":N,"duration_us":N,"bad":N,"p99_us":N}
local body = '{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"bench://doc",' ..
  '"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'
wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["MCP-Protocol-Version"] = "2026-07-28"
wrk.headers["Mcp-Method"] = "resources/read"
wrk.headers["Mcp-Name"] = "bench://doc"

local threads = {}
function setup(thread) table.insert(threads, thread) end
bad = 0
function response(status, headers, text)
  if status ~= 200 or not string.find(text, "lazy dog", 1, true) then bad = bad + 1 end
end
function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + (t:get("bad") or 0) end
  io.write(string.format('MCPB_READ {"requests":%d,"duration_us":%d,"bad":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, b, latency:percentile(99)))
end
