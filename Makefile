# Newsdesk: `make run` starts a demo server; `make test` runs the whole suite on both databases.

CARGO ?= cargo
PYTHON ?= python3
VENV := .venv

# The PostgreSQL half of the suite is mandatory: tests fail when this server is unreachable.
NEWSDESK_TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres
export NEWSDESK_TEST_POSTGRES_URL

# Demo credentials for `make run` (dev mode); override them on the command line.
DEMO_ADMIN_EMAIL ?= admin@newsdesk.local
DEMO_ADMIN_PASSWORD ?= newsdesk-demo-password

.PHONY: run test lint fmt openapi openapi-validate build fuzz chromium bench

## Build and start the server on ./data/newsdesk.db with demo content, in dev mode.
run:
	NEWSDESK_ADMIN_EMAIL="$${NEWSDESK_ADMIN_EMAIL:-$(DEMO_ADMIN_EMAIL)}" \
	NEWSDESK_ADMIN_PASSWORD="$${NEWSDESK_ADMIN_PASSWORD:-$(DEMO_ADMIN_PASSWORD)}" \
	$(CARGO) run --bin newsdesk -- serve --dev --demo

build:
	$(CARGO) build --workspace --all-targets

## Every test: unit tests and the black-box HTTP suite on SQLite and PostgreSQL, including the
## reader page in headless Chromium.
test: chromium
	$(CARGO) test --workspace

## Debian's Chromium, for the reader-page test (installed when missing).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the reader-page test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## Formatting, clippy with warnings as errors, and a validator run over the OpenAPI document.
lint: openapi-validate
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

## Regenerate openapi/openapi.json from the code.
openapi:
	$(CARGO) run --quiet --bin newsdesk -- openapi openapi/openapi.json

$(VENV)/bin/openapi-spec-validator:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check openapi-spec-validator==0.9.0

## Check the committed document is valid OpenAPI 3.1.
openapi-validate: $(VENV)/bin/openapi-spec-validator
	$(VENV)/bin/openapi-spec-validator openapi/openapi.json

## Fuzz every operation with schemathesis (admin token) against a fresh demo server; fails on
## any 5xx or any response that contradicts the OpenAPI document.
fuzz:
	VENV=$(VENV) scripts/fuzz.sh

## Release build, a generated corpus of $(ARTICLES) articles imported into SQLite and PostgreSQL,
## and wrk against every endpoint with the cache on and off; the table goes to bench/results/.
## Not part of CI. `make bench ARTICLES=1000000 DURATION=30s CONNECTIONS=64`
ARTICLES ?= 10000
DURATION ?= 10s
CONNECTIONS ?= 64
bench:
	ARTICLES=$(ARTICLES) DURATION=$(DURATION) CONNECTIONS=$(CONNECTIONS) scripts/bench.sh
