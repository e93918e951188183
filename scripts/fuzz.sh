#!/usr/bin/env bash
# Sends schemathesis at every operation of the OpenAPI document, with an admin token, against
# a fresh demo server, with every check (negative data rejection included), and fails on any
# 5xx or any answer that contradicts the document. scripts/schemathesis.toml names the answers
# a schema cannot rule out (see README.md, "Fuzzing"). The live streams (`stream_*`) are left
# out: a stream's answer never ends, so a generated request would wait for ever; the suite
# tests them black-box (tests/src/live/), bad `Last-Event-ID`s included.
# Usage: scripts/fuzz.sh [extra schemathesis args]
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PORT=${FUZZ_PORT:-18765}
[ -x "$VENV/bin/schemathesis" ] || { python3 -m venv "$VENV"; "$VENV/bin/pip" install --quiet --disable-pip-version-check schemathesis==4.32.5; }

cargo build --quiet --bin newsdesk
dir=$(mktemp -d)
# On failure, show the end of the server log: a crash leaves its reason there.
trap 'status=$?; kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; [ "$status" = 0 ] || tail -n 40 "$dir/server.log"; rm -rf "$dir"' EXIT
NEWSDESK_DATABASE_URL="$dir/fuzz.db" NEWSDESK_BIND="127.0.0.1:$PORT" NEWSDESK_LOG=warn \
  NEWSDESK_JWT_SECRET="fuzzing-secret-fuzzing-secret-fuzzing-secret" \
  NEWSDESK_ADMIN_EMAIL=fuzz@example.org NEWSDESK_ADMIN_PASSWORD="fuzzing password 123" \
  NEWSDESK_ACCESS_TOKEN_TTL=3600 NEWSDESK_METRICS_TOKEN="fuzzing-metrics-token" \
  ./target/debug/newsdesk serve --demo >"$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
token=$(curl -fs -X POST "http://127.0.0.1:$PORT/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"fuzz@example.org","password":"fuzzing password 123"}' | python3 -c 'import sys,json; print(json.load(sys.stdin)["access_token"])')

"$VENV/bin/schemathesis" --config-file scripts/schemathesis.toml run "http://127.0.0.1:$PORT/openapi.json" \
  -H "Authorization: Bearer $token" \
  --checks all \
  --exclude-operation-id-regex '^stream_' \
  --max-examples "${FUZZ_EXAMPLES:-25}" --seed "${FUZZ_SEED:-20261128}" --no-color "$@"
