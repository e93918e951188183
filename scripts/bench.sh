#!/usr/bin/env bash
# `make bench`: builds in release, generates (or reuses) a deterministic corpus, imports it into
# SQLite and PostgreSQL, and drives each public endpoint, the view beacon and the editorial write
# mix with wrk, with the response cache on and off. Every figure is also given as a ratio to the
# ceiling, newsdesk-ceiling answering a body of the list page's size, measured in the same run.
# Prints a Markdown table and writes it to bench/results/<date>.md. Not run by CI.
#
# Settings (environment, or make variables):
#   ARTICLES=10000  DURATION=10s  CONNECTIONS=64  THREADS=2 (wrk)  WARMUP=2s  SEED=1
#   IDLE_STREAMS=1000 (live streams held open for the memory row)
#   BACKENDS="sqlite postgres"  BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432
#   BENCH_POSTGRES_PARAMS=sslmode=disable (the server's connection: TLS on loopback protects
#     nothing, and cost 20-30% of PostgreSQL throughput here; set it empty to measure with TLS)
#   BENCH_WORKERS= (HTTP workers for both servers; default one per core)
#   BENCH_DIR=target/bench (corpus cache, logs, raw wrk output)  BENCH_NOTE= (a line for the report)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

ARTICLES=${ARTICLES:-10000}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
WARMUP=${WARMUP:-2s}
# Longer than the server's 5 s database wait, so a slow endpoint shows as latency and 503s, not as silence.
WRK_TIMEOUT=${WRK_TIMEOUT:-10s}
SEED=${SEED:-1}
IDLE_STREAMS=${IDLE_STREAMS:-1000}
BACKENDS=${BACKENDS:-sqlite postgres}
BENCH_POSTGRES_URL=${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
BENCH_POSTGRES_PARAMS=${BENCH_POSTGRES_PARAMS-sslmode=disable}
BENCH_WORKERS=${BENCH_WORKERS:-}
BENCH_DIR=${BENCH_DIR:-$ROOT/target/bench}
BENCH_NOTE=${BENCH_NOTE:-}
PG_DB=newsdesk_bench
HELPER="python3 $ROOT/scripts/bench/report.py"
LIST_QUERY="include=authors,tags,source,section"
ADMIN_EMAIL=bench@newsdesk.local
ADMIN_PASSWORD="bench password $RANDOM$RANDOM"

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

[[ $ARTICLES =~ ^[0-9]+$ && $ARTICLES -gt 0 ]] || die "ARTICLES must be a positive number (it is '$ARTICLES')"
[[ $CONNECTIONS =~ ^[0-9]+$ && $CONNECTIONS -ge 2 ]] || die "CONNECTIONS must be a number, at least 2"
for tool in curl python3 git cargo; do command -v "$tool" >/dev/null || die "$tool is needed and not installed"; done

RUN_DIR="$BENCH_DIR/run-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RUN_DIR" "$BENCH_DIR/corpus"
SERVER_PID="" CEILING_PID="" PG_CREATED=""

# Whatever happens: stop what we started, drop the bench database, show why a server died.
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in $SERVER_PID $CEILING_PID; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "$PG_CREATED" ]; then
    psql "$BENCH_POSTGRES_URL/postgres" -qAt -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -f "$RUN_DIR"/*.db "$RUN_DIR"/*.db-wal "$RUN_DIR"/*.db-shm
  if [ "$status" != 0 ]; then
    for log in "$RUN_DIR"/server-*.log; do
      [ -f "$log" ] && { echo "--- last lines of $log"; tail -n 20 "$log"; }
    done
    echo "bench: failed (status $status); logs and raw wrk output are in $RUN_DIR" >&2
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- tools -------------------------------------------------------------------------------------

if ! command -v wrk >/dev/null; then
  step "Installing wrk (Debian package)"
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO=sudo; else die "wrk is missing: install it (apt-get install wrk)"; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null \
    || die "could not install wrk with apt-get"
fi
case " $BACKENDS " in *" postgres "*)
  command -v psql >/dev/null || die "psql is needed for the PostgreSQL run (or set BACKENDS=sqlite)"
  psql "$BENCH_POSTGRES_URL/postgres" -qAt -c 'select 1' >/dev/null \
    || die "PostgreSQL is not reachable at $BENCH_POSTGRES_URL (set BENCH_POSTGRES_URL, or BACKENDS=sqlite)" ;;
esac

step "Building in release (newsdesk, newsdesk-ceiling, newsdesk-corpus)"
cargo build --release --quiet -p newsdesk-api -p newsdesk-bench -p newsdesk-corpus
# Where cargo just built: CARGO_TARGET_DIR when set (relative to the repository), else target/.
TARGET_DIR=${CARGO_TARGET_DIR:-target}
case $TARGET_DIR in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
BIN="$TARGET_DIR/release"

serve_help=$("$BIN/newsdesk" serve --help)
case $serve_help in *--no-cache*) HAS_CACHE=1 ;; *) HAS_CACHE="" ;; esac

# --- corpus ------------------------------------------------------------------------------------

# Keyed by size, seed and the generator's source, so a changed generator never reuses a stale file.
GENERATOR=$(cat crates/corpus/Cargo.toml crates/corpus/src/*.rs crates/domain/src/exchange.rs | sha256sum | cut -c1-12)
CORPUS="$BENCH_DIR/corpus/articles-$ARTICLES-seed-$SEED-$GENERATOR.ndjson"
if [ -s "$CORPUS" ]; then
  step "Reusing the corpus $CORPUS"
else
  step "Generating $ARTICLES articles (seed $SEED)"
  "$BIN/newsdesk-corpus" --articles "$ARTICLES" --seed "$SEED" --output "$CORPUS.part"
  mv "$CORPUS.part" "$CORPUS"
fi
SEARCH_WORD=$($HELPER word "$CORPUS")

# --- servers -----------------------------------------------------------------------------------

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_ready() { # url pid what
  for _ in $(seq 1 300); do
    kill -0 "$2" 2>/dev/null || die "$3 exited during start-up"
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.2
  done
  die "$3 did not answer $1 within 60 s"
}

start_server() { # backend cache [log filter; default: the server's own, `info`]
  PORT=$(free_port)
  BASE="http://127.0.0.1:$PORT"
  local flags=()
  if [ "$2" = off ]; then flags+=(--no-cache); fi
  local log=()
  if [ -n "${3:-}" ]; then log=("NEWSDESK_LOG=$3"); fi
  # The cache column is decided here alone; a metrics listener would need a port of its own.
  # Every beacon comes from 127.0.0.1, so the per-address view limit is off (it would turn the
  # beacon rows into a measure of refusals).
  # The log goes through a pipe to a reader, as it would to journald or a collector; only its
  # last megabyte is kept (a line a request is gigabytes over a run).
  env -u NEWSDESK_NO_CACHE -u NEWSDESK_METRICS_BIND -u NEWSDESK_LOG "${log[@]}" \
    NEWSDESK_DATABASE_URL="$DB_URL" NEWSDESK_BIND="127.0.0.1:$PORT" \
    NEWSDESK_VIEWS_PER_ADDRESS=0 \
    NEWSDESK_JWT_SECRET="bench-secret-bench-secret-bench-secret-0123" \
    NEWSDESK_ADMIN_EMAIL="$ADMIN_EMAIL" NEWSDESK_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
    ${BENCH_WORKERS:+NEWSDESK_WORKERS=$BENCH_WORKERS} \
    "$BIN/newsdesk" serve "${flags[@]}" > >(tail -c 1000000 >>"$RUN_DIR/server-$1.log") 2>&1 &
  SERVER_PID=$!
  wait_ready "$BASE/readyz" "$SERVER_PID" "newsdesk serve ($1, cache $2)"
}

stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
stop_server() { stop_pid "$SERVER_PID"; SERVER_PID=""; }

# Generous: at a million articles one uncached deep page can take a while.
get() { curl -fsS --max-time 300 "$BASE$1" || die "GET $1 failed"; }

# --- measuring ---------------------------------------------------------------------------------

CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
# Writing 5 to clear_refs resets the peak RSS, so each measurement reports its own peak.
reset_peak() { echo 5 >"/proc/$1/clear_refs" 2>/dev/null || true; }
peak_mb() { awk '/^VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

# Slow rows leave queued work behind (wrk closes its connections, the server finishes the queued
# queries): wait until the server is idle and answers /readyz quickly, so it does not spill into
# the next row. Gives up after 60 s and says so in the row's notes.
settle() { # pid base-url
  local before after ready
  SETTLE_NOTE=""
  for _ in $(seq 1 120); do
    before=$(cpu_ticks "$1")
    ready=$(curl -s -o /dev/null -m 5 -w '%{time_total}' "$2/readyz") || ready=9
    sleep 0.3
    after=$(cpu_ticks "$1")
    # Under a tenth of a core busy, and the database answering within 50 ms.
    if [ $((after - before)) -le $((CLK_TCK / 30)) ] && awk -v t="$ready" 'BEGIN {exit !(t < 0.05)}'; then
      return 0
    fi
  done
  SETTLE_NOTE="server still busy from the previous row; "
  echo "      (the server was still busy after 60 s)"
}

RESULTS="$RUN_DIR/results.tsv"
printf 'backend\tcache\tendpoint\turl\trequests\tseconds\trps\tp50\tp99\tnon2xx\tsockerr\tcpu_ms\trss_mb\tbytes\tnote\n' >"$RESULTS"
N_MEASURED=0

row() { # backend cache endpoint url "requests seconds rps p50 p99 non2xx sockerr" cpu_ms rss bytes note
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$(echo "$5" | tr ' ' '\t')" "$6" "$7" "$8" "$9" \
    >>"$RESULTS"
}

na_row() { row "$1" "$2" "$3" "$4" "n/a n/a n/a n/a n/a 0 0" n/a n/a n/a "$5"; }

# CPU milliseconds per request from a tick delta, or n/a when nothing completed.
cpu_per_request() { awk -v d="$1" -v hz="$CLK_TCK" -v n="$2" 'BEGIN {if (n > 0) printf "%.4f", d * 1000 / hz / n; else printf "n/a"}'; }

# wrk against one URL, after a warm-up; appends a row.
# Args: backend cache endpoint pid url note [lua-script [script args…]]
measure() {
  local backend=$1 cache=$2 name=$3 pid=$4 url=$5 note=$6
  shift 6
  local -a script=()
  if [ $# -gt 0 ]; then script=(-s "$1"); shift; fi
  N_MEASURED=$((N_MEASURED + 1))
  local out="$RUN_DIR/wrk-$N_MEASURED.txt" bytes=-
  printf '    %-34s %s\n' "$name" "$url"
  SETTLE_NOTE=""
  [ "$pid" = "$SERVER_PID" ] && settle "$pid" "$BASE"
  [ ${#script[@]} = 0 ] && bytes=$(curl -s -o /dev/null -w '%{size_download}' "$url")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" --timeout "$WRK_TIMEOUT" "${script[@]}" "$url" -- "$@" >/dev/null || die "wrk failed on $url"
  reset_peak "$pid"
  local t0 t1 parsed
  t0=$(cpu_ticks "$pid")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout "$WRK_TIMEOUT" --latency "${script[@]}" "$url" -- "$@" >"$out" || die "wrk failed on $url"
  t1=$(cpu_ticks "$pid")
  parsed=$($HELPER wrk "$out")
  local requests=${parsed%% *}
  local cpu_ms rss
  cpu_ms=$(cpu_per_request $((t1 - t0)) "$requests")
  rss=$(peak_mb "$pid")
  if grep -q '^WRITE_MIX' "$out"; then
    local secs publishes
    secs=$(echo "$parsed" | cut -d' ' -f2)
    publishes=$(sed -n 's/^WRITE_MIX .*publishes=\([0-9]*\).*/\1/p' "$out")
    note="$(awk -v p="$publishes" -v s="$secs" 'BEGIN {printf "%.0f articles/s created and published", p / s}'); $(grep '^WRITE_MIX' "$out" | cut -d' ' -f2-)"
  fi
  row "$backend" "$cache" "$name" "${url#"$BASE"}" "$parsed" "$cpu_ms" "$rss" "$bytes" "$SETTLE_NOTE$note"
  printf '      %s req/s, p50 %s ms, p99 %s ms, non-2xx %s\n' $(echo "$parsed" | cut -d' ' -f3-6)
}

# List reads alone, then list reads and beacons at once, each with half the connections: the
# issue allows reads to lose at most 10% while beacons run.
measure_concurrent() { # backend cache
  local half=$((CONNECTIONS / 2)) reads_url="$BASE/v1/articles?$LIST_QUERY"
  local alone="$RUN_DIR/wrk-$((N_MEASURED += 1)).txt" reads="$RUN_DIR/wrk-$((N_MEASURED += 1)).txt"
  local beacons="$RUN_DIR/wrk-$((N_MEASURED += 1)).txt"
  printf '    %-34s %s\n' "list alone, then with beacons" "$half + $half connections"
  settle "$SERVER_PID" "$BASE"
  local alone_note=$SETTLE_NOTE
  reset_peak "$SERVER_PID"
  local t0 t1 t2
  t0=$(cpu_ticks "$SERVER_PID")
  wrk -t1 -c"$half" -d"$DURATION" --timeout "$WRK_TIMEOUT" --latency "$reads_url" >"$alone" || die "wrk failed on $reads_url"
  t1=$(cpu_ticks "$SERVER_PID")
  local alone_parsed alone_rss
  alone_parsed=$($HELPER wrk "$alone")
  alone_rss=$(peak_mb "$SERVER_PID")
  settle "$SERVER_PID" "$BASE"
  local both_note=$SETTLE_NOTE
  reset_peak "$SERVER_PID"
  t1=$(cpu_ticks "$SERVER_PID")
  wrk -t1 -c"$half" -d"$DURATION" --timeout "$WRK_TIMEOUT" --latency -s "$ROOT/scripts/bench/beacons.lua" "$BASE/" -- "$SLUGS" >"$beacons" &
  local beacon_pid=$!
  wrk -t1 -c"$half" -d"$DURATION" --timeout "$WRK_TIMEOUT" --latency "$reads_url" >"$reads" || die "wrk failed on $reads_url"
  wait "$beacon_pid" || die "wrk failed on the beacons"
  t2=$(cpu_ticks "$SERVER_PID")
  local reads_parsed beacons_parsed rss
  reads_parsed=$($HELPER wrk "$reads")
  beacons_parsed=$($HELPER wrk "$beacons")
  rss=$(peak_mb "$SERVER_PID")
  local n_alone=${alone_parsed%% *} n_both=$((${reads_parsed%% *} + ${beacons_parsed%% *}))
  local cpu_alone cpu_both loss
  cpu_alone=$(cpu_per_request $((t1 - t0)) "$n_alone")
  cpu_both=$(cpu_per_request $((t2 - t1)) "$n_both")
  loss=$(awk -v a="$(echo "$alone_parsed" | cut -d' ' -f3)" -v b="$(echo "$reads_parsed" | cut -d' ' -f3)" \
    'BEGIN {if (a > 0) printf "%.1f", (a - b) * 100 / a; else printf "n/a"}')
  row "$1" "$2" "list, alone ($half conns)" "/v1/articles?$LIST_QUERY" "$alone_parsed" "$cpu_alone" "$alone_rss" - \
    "${alone_note}baseline for the next two rows (one wrk thread)"
  row "$1" "$2" "list, with beacons ($half conns)" "/v1/articles?$LIST_QUERY" "$reads_parsed" "$cpu_both" "$rss" - \
    "${both_note}reads lose $loss% to concurrent beacons; CPU/RSS for both wrk runs together"
  row "$1" "$2" "beacons, with list reads ($half conns)" "/v1/articles/{slug}/views" "$beacons_parsed" "$cpu_both" "$rss" - \
    "concurrent with the row above"
  printf '      reads alone %s req/s, with beacons %s req/s (%s%% lost); beacons %s req/s\n' \
    "$(echo "$alone_parsed" | cut -d' ' -f3)" "$(echo "$reads_parsed" | cut -d' ' -f3)" "$loss" \
    "$(echo "$beacons_parsed" | cut -d' ' -f3)"
}

# --- one backend -------------------------------------------------------------------------------

IMPORT_NOTES=""
PICKS_NOTES=""

bench_backend() {
  local backend=$1
  step "$backend: preparing the database"
  case $backend in
    sqlite) DB_URL="$RUN_DIR/newsdesk.db" ;;
    postgres)
      psql "$BENCH_POSTGRES_URL/postgres" -qAt -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" \
        -c "CREATE DATABASE $PG_DB" >/dev/null || die "could not create the database $PG_DB"
      PG_CREATED=1
      DB_URL="$BENCH_POSTGRES_URL/$PG_DB${BENCH_POSTGRES_PARAMS:+?$BENCH_POSTGRES_PARAMS}" ;;
    *) die "unknown backend '$backend' (BACKENDS may hold sqlite and postgres)" ;;
  esac

  step "$backend: importing $ARTICLES articles"
  local started ended
  started=$(date +%s.%N)
  NEWSDESK_DATABASE_URL="$DB_URL" NEWSDESK_LOG=warn "$BIN/newsdesk" import "$CORPUS" >"$RUN_DIR/import-$backend.log" 2>&1 \
    || { tail -n 20 "$RUN_DIR/import-$backend.log"; die "newsdesk import failed on $backend"; }
  ended=$(date +%s.%N)
  IMPORT_NOTES+="- import on $backend: $(awk -v n="$ARTICLES" -v a="$started" -v b="$ended" \
    'BEGIN {printf "%.1f s, %.0f articles/s", b - a, n / (b - a)}') (\`newsdesk import\`, whole process)"$'\n'
  echo "    $(tail -n 1 "$RUN_DIR/import-$backend.log")"
  # PostgreSQL writes the import's dirty buffers out over the next minutes; a checkpoint now
  # keeps that work out of the first rows measured.
  if [ "$backend" = postgres ]; then
    psql "$BENCH_POSTGRES_URL/$PG_DB" -qAt -c CHECKPOINT >/dev/null || die "CHECKPOINT failed"
  fi

  step "$backend: choosing URLs and an API key"
  start_server "$backend" on
  local token key
  token=$(curl -fsS -X POST "$BASE/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" | $HELPER json access_token) || die "login failed"
  key=$(curl -fsS -X POST "$BASE/v1/admin/api-keys" -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d '{"name":"bench write mix","role":"editor"}' | $HELPER json secret) || die "creating an API key failed"

  local first pages deep_page deep slug tag cursor list_bytes
  first=$(get "/v1/articles?$LIST_QUERY")
  list_bytes=$(printf '%s' "$first" | wc -c)
  pages=$(printf '%s' "$first" | $HELPER json meta.pagination.pages)
  deep_page=$(( pages / 2 > 1 ? pages / 2 : 1 ))
  deep=$(get "/v1/articles?$LIST_QUERY&page=$deep_page")
  cursor=$(printf '%s' "$deep" | $HELPER json meta.pagination.next_cursor) || die "page $deep_page has no next cursor"
  slug=$(printf '%s' "$deep" | $HELPER json data.0.slug)
  tag=$(printf '%s' "$deep" | $HELPER json data.0.tags.0.slug 2>/dev/null || get "/v1/tags?limit=1" | $HELPER json data.0.slug)
  SLUGS="$RUN_DIR/slugs-$backend.txt"
  local walk="/v1/articles?fields=slug&limit=100"
  : >"$SLUGS"
  for _ in $(seq 1 10); do
    local page
    page=$(get "$walk")
    printf '%s' "$page" | python3 -c 'import json,sys; [print(a["slug"]) for a in json.load(sys.stdin)["data"]]' >>"$SLUGS"
    local next
    next=$(printf '%s' "$page" | $HELPER json meta.pagination.next_cursor 2>/dev/null) || break
    walk="/v1/articles?fields=slug&limit=100&cursor=$next"
  done
  local search_total
  search_total=$(get "/v1/articles?q=$SEARCH_WORD&limit=1" | $HELPER json meta.pagination.total)
  PICKS_NOTES+="- $backend: $pages list pages; deep cursor = the next cursor of page $deep_page; slug \`$slug\`; tag \`$tag\`; search \`$SEARCH_WORD\` ($search_total matches); list page $list_bytes bytes; $(wc -l <"$SLUGS") slugs for beacons"$'\n'

  local -a endpoints=(
    "list (include=all)|/v1/articles?$LIST_QUERY"
    "article by slug|/v1/articles/$slug"
    "related|/v1/articles/$slug/related"
    "search|/v1/articles?q=$SEARCH_WORD"
    "deep cursor page|/v1/articles?$LIST_QUERY&cursor=$cursor"
    "feed (RSS)|/v1/feed.rss"
  )
  for e in "${endpoints[@]}"; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE${e#*|}")" = 200 ] || die "GET ${e#*|} does not answer 200"
  done

  step "$backend: ceiling (a $list_bytes-byte body)"
  local ceiling_port
  ceiling_port=$(free_port)
  "$BIN/newsdesk-ceiling" --body-bytes "$list_bytes" --bind "127.0.0.1:$ceiling_port" ${BENCH_WORKERS:+--workers "$BENCH_WORKERS"} \
    >"$RUN_DIR/ceiling-$backend.log" 2>&1 &
  CEILING_PID=$!
  wait_ready "http://127.0.0.1:$ceiling_port/" "$CEILING_PID" "newsdesk-ceiling"
  measure "$backend" - ceiling "$CEILING_PID" "http://127.0.0.1:$ceiling_port/" "a $list_bytes-byte body"
  stop_pid "$CEILING_PID"
  CEILING_PID=""

  local caches=(on off)
  for cache in "${caches[@]}"; do
    if [ "$cache" = off ] && [ -z "$HAS_CACHE" ]; then
      for e in "${endpoints[@]}" "list, as a browser asks|" "view beacons|" "list, alone ($((CONNECTIONS / 2)) conns)|" "list, with beacons ($((CONNECTIONS / 2)) conns)|" "beacons, with list reads ($((CONNECTIONS / 2)) conns)|" "most viewed|" "write mix (create + publish)|"; do
        na_row "$backend" off "${e%%|*}" "${e#*|}" "this build has no serve --no-cache"
      done
      continue
    fi
    [ -n "$SERVER_PID" ] || start_server "$backend" "$cache"
    step "$backend, cache $cache: reads (each ${DURATION}, $CONNECTIONS connections, after a ${WARMUP} warm-up)"
    for e in "${endpoints[@]}"; do
      measure "$backend" "$cache" "${e%%|*}" "$SERVER_PID" "$BASE${e#*|}" ""
    done
    measure "$backend" "$cache" "list, as a browser asks" "$SERVER_PID" "$BASE/v1/articles?$LIST_QUERY" \
      "Accept-Encoding: gzip, deflate, br" "$ROOT/scripts/bench/browser.lua"
    measure "$backend" "$cache" "view beacons" "$SERVER_PID" "$BASE/" "many slugs and User-Agents, so dedupe hides nothing" \
      "$ROOT/scripts/bench/beacons.lua" "$SLUGS"
    measure_concurrent "$backend" "$cache"
    # After the beacons, so the most-viewed list is not empty (views are written every second).
    sleep 1.5
    measure "$backend" "$cache" "most viewed" "$SERVER_PID" "$BASE/v1/articles/most-viewed" ""
    stop_server
    # Every row above ran with the default log (a line a request); this one logs warnings only.
    start_server "$backend" "$cache" warn
    measure "$backend" "$cache" "list (include=all), NEWSDESK_LOG=warn" "$SERVER_PID" "$BASE/v1/articles?$LIST_QUERY" \
      "for comparison: the first row without its request log lines"
    stop_server
  done
  # The write mix adds published articles, so it runs after every read above.
  for cache in "${caches[@]}"; do
    [ "$cache" = off ] && [ -z "$HAS_CACHE" ] && continue
    start_server "$backend" "$cache"
    step "$backend, cache $cache: editorial write mix"
    measure "$backend" "$cache" "write mix (create + publish)" "$SERVER_PID" "$BASE/" "" \
      "$ROOT/scripts/bench/write-mix.lua" "$key" "$tag"
    stop_server
  done
  # Idle live streams cost memory, not throughput: the row gives the RSS they add.
  start_server "$backend" on
  step "$backend: $IDLE_STREAMS idle live streams (/v1/changes)"
  local idle added
  idle=$(python3 "$ROOT/scripts/bench/idle_streams.py" "$SERVER_PID" 127.0.0.1 "$PORT" /v1/changes "$IDLE_STREAMS") \
    || die "opening $IDLE_STREAMS live streams failed"
  echo "    $idle"
  added=$(echo "$idle" | sed 's/.*added_mb=\([^ ]*\).*/\1/')
  row "$backend" on "$IDLE_STREAMS idle live streams" "/v1/changes" "n/a n/a n/a n/a n/a 0 0" n/a \
    "$(echo "$idle" | sed 's/.*rss_after_mb=\([^ ]*\).*/\1/')" - \
    "the streams add $added MB RSS ($(echo "$idle" | sed 's/.*per_stream_kb=\([^ ]*\).*/\1/') KB each; the bound is 50 MB for 1,000)"
  stop_server
  # Free the disk at once: at a million articles each database takes about 12 GB.
  if [ "$backend" = postgres ]; then
    psql "$BENCH_POSTGRES_URL/postgres" -qAt -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null
    PG_CREATED=""
  else
    rm -f "$RUN_DIR"/newsdesk.db "$RUN_DIR"/newsdesk.db-wal "$RUN_DIR"/newsdesk.db-shm
  fi
}

for backend in $BACKENDS; do bench_backend "$backend"; done

# --- report ------------------------------------------------------------------------------------

mkdir -p bench/results
REPORT="bench/results/$(date -u +%F).md"
n=2
while [ -e "$REPORT" ]; do REPORT="bench/results/$(date -u +%F)-$n.md"; n=$((n + 1)); done
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates scripts 2>/dev/null || echo ' (with uncommitted changes)')"
META="$RUN_DIR/meta.md"
{
  echo "## Benchmark, $(date -u '+%F %H:%M UTC')"
  echo
  [ -n "$BENCH_NOTE" ] && { echo "**$BENCH_NOTE**"; echo; }
  echo "- machine: $(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM, Linux $(uname -r)"
  echo "- commit $commit; $ARTICLES articles (corpus seed $SEED); wrk $(wrk -v 2>&1 | head -n1 | awk '{print $2}'), $THREADS threads, $CONNECTIONS connections, ${DURATION} per row after a ${WARMUP} warm-up; wrk runs on the same cores as the server"
  echo "- server: release build, default workers (one per core) unless BENCH_WORKERS, the server's default log settings (\`info\`: a line a request, to a pipe) except the \`NEWSDESK_LOG=warn\` row"
  [ -z "$HAS_CACHE" ] && echo "- **this build has no response cache** (\`serve --no-cache\` is missing): the 'on' rows ran the server as it is, the 'off' rows are n/a"
  case " $BACKENDS " in *" postgres "*) echo "- PostgreSQL $(psql "$BENCH_POSTGRES_URL/postgres" -qAt -c 'show server_version') at $(echo "$BENCH_POSTGRES_URL" | sed 's|.*@||')${BENCH_POSTGRES_PARAMS:+, the server connecting with \`$BENCH_POSTGRES_PARAMS\`}" ;; esac
  printf '%s' "$IMPORT_NOTES"
  printf '%s' "$PICKS_NOTES"
  echo
  echo "Columns: requests/s and p50/p99 latency from \`wrk --latency\`; × ceiling = requests/s ÷ the ceiling's requests/s on the same backend's run; × ceiling can pass 1 for answers smaller than the list page; CPU ms/req = the newsdesk process's user+system CPU over the run ÷ requests (PostgreSQL's own CPU is not included); peak RSS = VmHWM of the newsdesk process, reset before each row (SQLite's memory map counts in it); bytes = one response's body; errors = non-2xx/3xx responses + socket errors. Before each row the script waits until the server is idle, so a slow row's queued work does not spill into the next; a row where no request finished within the duration shows 0 requests/s."
} >"$META"
$HELPER table "$RESULTS" "$META" >"$REPORT"
step "Results ($REPORT; raw output in $RUN_DIR)"
cat "$REPORT"
