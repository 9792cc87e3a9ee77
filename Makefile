# Publisher Portal: `make run` serves the portal with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
TEST_BROKER_URL ?= redis://127.0.0.1:6379/14

.PHONY: run test lint format bench services chromium venv clean lock

# Installs come from the lock file (exact versions with hashes), so CI breaks only when the code changes.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	touch $(STAMP)

venv: $(STAMP)

# With nothing configured: DEBUG on, SQLite in var/, Celery's filesystem broker in var/broker (its folders must
# exist before web, worker or beat connect). Links in emails point at the port actually served.
RUN_ENV = DEBUG="$${DEBUG:-true}" SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}"

run: $(STAMP)
	mkdir -p var/broker/queue var/broker/processed var/broker/control var/media var/static
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(RUN_ENV) $(BIN)/python manage.py demo_data
	@echo
	@echo "  Publisher Portal: http://127.0.0.1:$(PORT)/   (admin: http://127.0.0.1:$(PORT)/admin/)"
	@echo
	$(RUN_ENV) PORT=$(PORT) PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start

services:
	bash .ci/services

chromium:
	test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

test: services chromium $(STAMP)
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
		$(BIN)/python -m pytest --create-db $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	@shopt -s nullglob; scripts=(benchmarks/*.py); \
	if [ $${#scripts[@]} -eq 0 ]; then echo "no benchmarks yet"; fi; \
	for script in "$${scripts[@]}"; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# After changing the dependencies in pyproject.toml: write the lock file again (needs PyPI).
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet "pip-tools>=7.4,<8"
	$(BIN)/pip-compile --quiet --generate-hashes --extra test --strip-extras --allow-unsafe -o requirements.lock pyproject.toml

clean:
	rm -rf var/portal.sqlite3 var/broker var/static var/media var/celerybeat-schedule*
