#!/usr/bin/env bash
# Old build against new, alternated: the rows a change touched, on SQLite (or PostgreSQL) with
# the server's defaults, ROUNDS times each, so a difference can be told from the noise of a
# shared machine.
#
#   scripts/bench/alternate.sh OLD_NEWSDESK NEW_NEWSDESK
#
# Settings (environment): ARTICLES=10000 ROUNDS=3 DURATION=5s CONNECTIONS=64 SEED=1
#   BACKEND=sqlite|postgres PG_URL=postgres://postgres@127.0.0.1:5432 (PostgreSQL: each run
#   gets a fresh database made from a template, dropped afterwards)
#   BENCH_DIR=target/bench (corpus cache and logs). Needs wrk, curl, python3, and a release
#   newsdesk-corpus (built here). The corpus is imported once, by the new build, and every run
#   starts from a copy of that database, so the write mix never leaves work for the next run.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OLD=$(realpath "${1:?the old newsdesk binary}")
NEW=$(realpath "${2:?the new newsdesk binary}")
ARTICLES=${ARTICLES:-10000}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5s}
CONNECTIONS=${CONNECTIONS:-64}
SEED=${SEED:-1}
BACKEND=${BACKEND:-sqlite}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
BENCH_DIR=${BENCH_DIR:-$ROOT/target/bench}
HELPER="python3 $ROOT/scripts/bench/report.py"
RUN="$BENCH_DIR/alternate-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RUN" "$BENCH_DIR/corpus"
PID=""
stop_all() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; fi
  wait 2>/dev/null || true
}
trap stop_all EXIT

cargo build --release --quiet -p newsdesk-corpus
CORPUS="$BENCH_DIR/corpus/alternate-$ARTICLES-$SEED.ndjson"
[ -s "$CORPUS" ] || "$ROOT/target/release/newsdesk-corpus" --articles "$ARTICLES" --seed "$SEED" --output "$CORPUS"
BASE_DB="$RUN/base.db"
PG_BASE=newsdesk_alternate_base
PG_RUN=newsdesk_alternate_run
pg() { psql "$PG_URL/postgres" -qAtc "$1" >/dev/null; }
if [ "$BACKEND" = postgres ]; then
  pg "DROP DATABASE IF EXISTS $PG_RUN" && pg "DROP DATABASE IF EXISTS $PG_BASE" && pg "CREATE DATABASE $PG_BASE"
  BASE_DB="$PG_URL/$PG_BASE"
fi
NEWSDESK_DATABASE_URL="$BASE_DB" NEWSDESK_LOG=warn "$NEW" import "$CORPUS" >"$RUN/import.log" 2>&1

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# serve BIN DB [--no-cache]: starts a server with the defaults and waits until it is ready.
serve() {
  local bin=$1 db=$2
  shift 2
  P=$(port)
  B="http://127.0.0.1:$P"
  env -u NEWSDESK_LOG NEWSDESK_DATABASE_URL="$db" NEWSDESK_BIND="127.0.0.1:$P" \
    NEWSDESK_JWT_SECRET="bench-secret-bench-secret-bench-secret-0123" \
    NEWSDESK_ADMIN_EMAIL=bench@newsdesk.local NEWSDESK_ADMIN_PASSWORD="bench password 1234" \
    "$bin" serve "$@" >/dev/null 2>&1 &
  PID=$!
  for _ in $(seq 1 100); do curl -fs "$B/readyz" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "the server did not start (run it by hand to see why)" >&2
  exit 1
}
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""; }

# rate URL [SCRIPT ARGS…]: requests/s over DURATION after a 2 s warm-up.
rate() {
  local url=$1
  shift
  local -a script=()
  if [ $# -gt 0 ]; then script=(-s "$1"); shift; fi
  wrk -t2 -c"$CONNECTIONS" -d2s "${script[@]}" "$url" -- "$@" >/dev/null
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "${script[@]}" "$url" -- "$@" >"$RUN/wrk.txt"
  local parsed
  parsed=$($HELPER wrk "$RUN/wrk.txt")
  # requests seconds rps p50 p99 non2xx sockerr: a row with errors measures the errors.
  [ "$(echo "$parsed" | cut -d' ' -f6)" = 0 ] || { echo "non-2xx answers on $url: $parsed" >&2; exit 1; }
  echo "$parsed" | cut -d' ' -f3
}

printf 'round\tbuild\tarticle (cache)\tlist (cache)\tarticle (no cache)\tlist (no cache)\twrite mix\n' | tee "$RUN/table.tsv"
for round in $(seq 1 "$ROUNDS"); do
  for build in old new; do
    bin=$OLD
    [ "$build" = new ] && bin=$NEW
    db="$RUN/$build-$round.db"
    fresh() { rm -f "$db" "$db-wal" "$db-shm"; cp "$BASE_DB" "$db"; }
    if [ "$BACKEND" = postgres ]; then
      db="$PG_URL/$PG_RUN"
      fresh() { pg "DROP DATABASE IF EXISTS $PG_RUN" && pg "CREATE DATABASE $PG_RUN TEMPLATE $PG_BASE"; }
    fi
    fresh
    serve "$bin" "$db"
    slug=$(curl -fsS "$B/v1/articles?fields=slug&limit=1&page=50" | $HELPER json data.0.slug)
    list="/v1/articles?include=authors,tags,source,section"
    a_on=$(rate "$B/v1/articles/$slug")
    l_on=$(rate "$B$list")
    token=$(curl -fsS -X POST "$B/v1/auth/login" -H 'content-type: application/json' \
      -d '{"email":"bench@newsdesk.local","password":"bench password 1234"}' | $HELPER json access_token)
    key=$(curl -fsS -X POST "$B/v1/admin/api-keys" -H "authorization: Bearer $token" -H 'content-type: application/json' \
      -d '{"name":"alternate","role":"editor"}' | $HELPER json secret)
    tag=$(curl -fsS "$B/v1/tags?limit=1" | $HELPER json data.0.slug)
    writes=$(rate "$B/" "$ROOT/scripts/bench/write-mix.lua" "$key" "$tag")
    stop
    fresh
    serve "$bin" "$db" --no-cache
    a_off=$(rate "$B/v1/articles/$slug")
    l_off=$(rate "$B$list")
    stop
    if [ "$BACKEND" = postgres ]; then pg "DROP DATABASE IF EXISTS $PG_RUN"; else rm -f "$db" "$db-wal" "$db-shm"; fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$build" "$a_on" "$l_on" "$a_off" "$l_off" "$writes" | tee -a "$RUN/table.tsv"
  done
done
[ "$BACKEND" = postgres ] && pg "DROP DATABASE IF EXISTS $PG_BASE"
echo "requests/s ($BACKEND); the table is in $RUN/table.tsv"
