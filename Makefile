# Publisher Portal: `make run` serves the portal with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SANDBOX_PORT ?= $(shell echo $$(($(PORT) + 443)))
STAMP := $(VENV)/.installed
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
TEST_BROKER_URL ?= redis://127.0.0.1:6379/14

.PHONY: run test lint format bench chaos screenshots services chromium azurite axe venv clean lock

# Installs come from the lock file (exact versions with hashes), so CI breaks only when the code changes.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	touch $(STAMP)

venv: $(STAMP)

# With nothing configured: DEBUG on, SQLite in var/, Celery's filesystem broker in var/broker (its folders must
# exist before web, worker or beat connect). Links in emails point at the port actually served. The publisher
# sandbox (python -m sandbox, a Procfile entry) plays publishers' endpoints on SANDBOX_PORT; checks that need the
# internet say "could not be verified: no network" on a machine without one.
RUN_ENV = DEBUG="$${DEBUG:-true}" SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" \
	OUTBOUND_SANDBOX_URL="$${OUTBOUND_SANDBOX_URL-https://127.0.0.1:$(SANDBOX_PORT)}" \
	OUTBOUND_OFFLINE_WARN="$${OUTBOUND_OFFLINE_WARN:-true}"

run: $(STAMP)
	mkdir -p var/broker/queue var/broker/processed var/broker/control var/media var/static
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(RUN_ENV) $(BIN)/python -m sandbox --port $(SANDBOX_PORT) -- $(BIN)/python manage.py demo_data --if-allowed
	@echo
	@echo "  Publisher Portal: http://127.0.0.1:$(PORT)/   (admin: http://127.0.0.1:$(PORT)/admin/)"
	@echo "  Publisher sandbox: https://127.0.0.1:$(SANDBOX_PORT)/   (landing page, webhook and leads for your offers)"
	@echo
	$(RUN_ENV) PORT=$(PORT) SANDBOX_PORT=$(SANDBOX_PORT) PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start web worker first beat sandbox

services:
	bash .ci/services

chromium:
	test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

# Azurite, Azure Storage's emulator, for the object storage tests: the exact versions of its npm lock, in a folder
# of its own (Node from Debian when the machine has none). The tests start and stop it themselves.
AZURITE := .ci/azurite
$(AZURITE)/node_modules/.installed: $(AZURITE)/package-lock.json
	command -v npm >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm)
	npm ci --prefix $(AZURITE) --no-audit --no-fund --loglevel error
	touch $@

azurite: $(AZURITE)/node_modules/.installed

# axe-core, the accessibility rules the browser tests run in every page they check (tests/browser/test_a11y_browser.py):
# the exact version of its npm lock, in a folder of its own, injected from there (no CDN at run time).
AXE := .ci/axe
$(AXE)/node_modules/.installed: $(AXE)/package-lock.json
	command -v npm >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm)
	npm ci --prefix $(AXE) --no-audit --no-fund --loglevel error
	touch $@

axe: $(AXE)/node_modules/.installed

# The suite runs in two shards side by side (.ci/test-shards: the browser, fault, API and sweep tests beside the rest),
# each with its own database and Redis db. PYTEST_ARGS runs just those arguments in one process instead.
test: services chromium azurite axe $(STAMP)
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) TEST_BROKER_URL=$(TEST_BROKER_URL) bash .ci/test-shards $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Fault injection (chaos/run.py): real workers SIGKILLed during 20 submissions, its own redis-server stopped 30 s,
# the portal's database connections terminated; prints the figures. CHAOS_ARGS picks scenarios: kill broker db.
CHAOS_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_chaos
CHAOS_REDIS_PORT ?= 6390
chaos: services $(STAMP)
	CHAOS_DATABASE_URL=$(CHAOS_DATABASE_URL) CHAOS_REDIS_PORT=$(CHAOS_REDIS_PORT) $(BIN)/python -m chaos.run $(CHAOS_ARGS)

# Benchmarks: every script under benchmarks/ (BENCH_ONLY="pages api" for some), one after the other. Each writes its
# markdown section to BENCH_OUTPUT (also given as BENCH_OUTPUT_<NAME>), var/bench/<name>.md; a script that writes
# docs/benchmarks-<name>.md instead is picked up too. The sections of the run are joined into docs/benchmarks.md
# under the run's conditions (date, machine, load, time per script); a failed script is marked and fails the target.
BENCH_DIR := var/bench
bench: services $(STAMP)
	@shopt -s nullglob; rm -rf $(BENCH_DIR); mkdir -p $(BENCH_DIR); cat /proc/loadavg > $(BENCH_DIR)/loadavg-start; \
	touch $(BENCH_DIR)/.started; failed=0; \
	names=($(BENCH_ONLY)); if [ $${#names[@]} -eq 0 ]; then for f in benchmarks/*.py; do names+=($$(basename $$f .py)); done; fi; \
	for name in "$${names[@]}"; do \
	  echo "== benchmarks/$$name.py"; start=$$(date +%s); out=$(BENCH_DIR)/$$name.md; \
	  upper=$$(echo $$name | tr a-z- A-Z_); \
	  if ! env BENCH_OUTPUT=$(CURDIR)/$$out BENCH_OUTPUT_$$upper=$(CURDIR)/$$out $(BIN)/python benchmarks/$$name.py; then \
	    touch $(BENCH_DIR)/$$name.failed; failed=1; fi; \
	  echo $$(( $$(date +%s) - start )) > $(BENCH_DIR)/$$name.seconds; \
	  if [ ! -s $$out ] && [ docs/benchmarks-$$name.md -nt $(BENCH_DIR)/.started ]; then cp docs/benchmarks-$$name.md $$out; fi; \
	done; \
	$(BIN)/python -m benchmarks.harness.report $(BENCH_DIR) docs/benchmarks.md; exit $$failed

# The README's pictures (docs/screenshots/*.png): serve the portal with `make run` on SCREENSHOTS_PORT, with a fresh
# SQLite database and the demo data, and photograph its pages in Chromium (docs/screenshots.py).
SCREENSHOTS_PORT ?= 8765
screenshots: chromium $(STAMP)
	$(BIN)/python docs/screenshots.py --port $(SCREENSHOTS_PORT)

# After changing the dependencies in pyproject.toml: write the lock file again (needs PyPI).
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet "pip-tools>=7.4,<8"
	$(BIN)/pip-compile --quiet --generate-hashes --extra test --strip-extras --allow-unsafe -o requirements.lock pyproject.toml

clean:
	rm -rf var/portal.sqlite3 var/broker var/static var/media var/celerybeat-schedule*
