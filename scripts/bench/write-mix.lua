-- wrk script: the editorial write mix. Each thread creates a draft with an API key and, from the
-- response's id, publishes it with its next request. Slugs and titles are unique per wrk run.
-- Usage: wrk -s write-mix.lua URL -- API_KEY TAG_SLUG
-- Prints `WRITE_MIX creates=… publishes=… failures=…` at the end (articles/s = publishes / s).
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("tid", #threads)
end

function init(args)
  key, tag = args[1], args[2]
  -- A fresh prefix per thread and wrk run (the warm-up is a run too), so slugs never collide.
  local f = assert(io.open("/proc/sys/kernel/random/uuid"))
  run = f:read("*l"):sub(1, 8)
  f:close()
  pending, made = {}, 0
  creates, publishes, failures = 0, 0, 0
  json_headers = { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }
  auth_headers = { ["Authorization"] = "Bearer " .. key }
end

function request()
  local id = table.remove(pending)
  if id then
    return wrk.format("POST", "/v1/admin/articles/" .. id .. "/publish", auth_headers)
  end
  made = made + 1
  local name = string.format("%s-%d-%d", run, tid, made)
  local body = string.format(
    '{"title":"Bench story %s","slug":"bench-%s","summary":"A story written by the write-mix benchmark.",'
      .. '"body":"First paragraph of bench story %s.\\n\\nA second paragraph with *emphasis*.","tags":["%s"]}',
    name, name, name, tag)
  return wrk.format("POST", "/v1/admin/articles", json_headers, body)
end

function response(status, headers, body)
  if status == 201 then
    -- The article's own id is the first field of its JSON.
    local id = body:match('^%s*{%s*"id"%s*:%s*"([^"]+)"')
    if id then
      pending[#pending + 1] = id
      creates = creates + 1
    else
      failures = failures + 1
    end
  elseif status == 200 then
    publishes = publishes + 1
  else
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local c, p, f = 0, 0, 0
  for _, thread in ipairs(threads) do
    c = c + thread:get("creates")
    p = p + thread:get("publishes")
    f = f + thread:get("failures")
  end
  io.write(string.format("WRITE_MIX creates=%d publishes=%d failures=%d\n", c, p, f))
end
