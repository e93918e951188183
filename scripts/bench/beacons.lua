-- wrk script: view beacons spread over many slugs, each with its own User-Agent, so the
-- per-client dedupe (address + User-Agent + article, 30 minutes) never hides the work.
-- Usage: wrk -s beacons.lua URL -- SLUGS_FILE
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
end

function init(args)
  slugs = {}
  for line in io.lines(args[1]) do
    if #line > 0 then slugs[#slugs + 1] = line end
  end
  if #slugs == 0 then error("no slugs in " .. tostring(args[1])) end
  sent = 0
  -- A fresh prefix per wrk run, so the measured run does not repeat the warm-up's clients.
  local f = assert(io.open("/proc/sys/kernel/random/uuid"))
  prefix = f:read("*l"):sub(1, 8)
  f:close()
end

function request()
  sent = sent + 1
  local slug = slugs[(sent % #slugs) + 1]
  return wrk.format("POST", "/v1/articles/" .. slug .. "/views",
    { ["User-Agent"] = "newsdesk-bench/" .. prefix .. "." .. tid .. "." .. sent })
end
