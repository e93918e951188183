#!/usr/bin/env bash
# Instructions per request of one public GET, counted by valgrind's callgrind: unlike requests/s,
# the count is the same from run to run whatever else the shared machine is doing, so it shows
# what a change to the read path saved. Not run by CI.
#
#   scripts/bench/instructions.sh DATABASE PATH [REQUESTS]
#   e.g. scripts/bench/instructions.sh /tmp/bench.db '/v1/articles?include=authors,tags' 100
#
# DATABASE is a SQLite file or a PostgreSQL URL (fill it with `newsdesk import`). The server is
# target/release/newsdesk (or $NEWSDESK_BIN), with --no-cache unless FLAGS says otherwise. It
# answers 30 requests first (warm caches, prepared statements), then the counted ones. KEEP=FILE
# keeps the callgrind profile there, for callgrind_annotate.
set -euo pipefail
[ $# -ge 2 ] || { sed -n 6,7p "$0" >&2; exit 2; }
DB=$1 URLPATH=$2 N=${3:-200}
BIN=${NEWSDESK_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/target/release/newsdesk}
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
OUT=$(mktemp -d)
trap 'kill "$VPID" 2>/dev/null || true; [ -n "${KEEP:-}" ] && { cp "$OUT"/callgrind.out.* "$KEEP" || true; }; rm -rf "$OUT"' EXIT

env NEWSDESK_DATABASE_URL="$DB" NEWSDESK_BIND="127.0.0.1:$PORT" NEWSDESK_LOG=warn NEWSDESK_WORKERS=1 \
  NEWSDESK_JWT_SECRET="instructions-secret-instructions-secret-0123" \
  NEWSDESK_ADMIN_EMAIL=instructions@newsdesk.local NEWSDESK_ADMIN_PASSWORD="orchid lantern gravel mosaic 4417" \
  valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.out" "$BIN" serve ${FLAGS---no-cache} >"$OUT/log" 2>&1 &
VPID=$!
for _ in $(seq 1 300); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/readyz" && break; sleep 0.5; done

requests() { # count
  python3 - "$PORT" "$URLPATH" "$1" <<'PY'
import http.client, sys
conn = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
for _ in range(int(sys.argv[3])):
    # As wrk asks: without the Accept-Encoding that http.client adds by default.
    conn.putrequest("GET", sys.argv[2], skip_accept_encoding=True)
    conn.endheaders()
    reply = conn.getresponse()
    reply.read()
    if reply.status != 200:
        sys.exit(f"GET {sys.argv[2]} answered {reply.status}")
PY
}

requests 30
callgrind_control -z "$VPID" >/dev/null 2>&1
requests "$N"
callgrind_control -d "$VPID" >/dev/null 2>&1
sleep 1
total=$(cat "$OUT"/callgrind.out.* | awk '/^summary:/ {s += $2} END {print s}')
echo "$URLPATH: $((total / N)) instructions per request (mean of $N)"
