# Dateline: `make run` serves the demo site, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test check format install lock clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(PIP) install -r requirements-dev.txt
	$(PIP) install --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Links the site prints (admin URL) follow HOST and PORT unless set explicitly.
run: export DATELINE_SITE_URL ?= http://$(HOST):$(PORT)
run: $(STAMP)
	$(BIN)/python manage.py bootstrap
	$(BIN)/python -m dateline serve --host $(HOST) --port $(PORT)

check: $(STAMP)
	$(BIN)/ruff check dateline tests bench
	$(BIN)/ruff format --check dateline tests bench
	$(BIN)/mypy dateline
	$(BIN)/python manage.py makemigrations --check --dry-run > /dev/null

# The whole suite on SQLite, then again on a throwaway PostgreSQL.
test: check
	$(BIN)/pytest
	$(BIN)/pytest --db=postgres

# Load benchmarks (not tests): prints name=value lines, then the peer's and the
# ratios. Needs wrk (apt-get install -y wrk). See README, Benchmarks.
bench: $(STAMP)
	$(BIN)/python bench/run.py

format: $(STAMP)
	$(BIN)/ruff check --fix dateline tests bench
	$(BIN)/ruff format dateline tests bench

# Re-resolve the pinned dependency files from requirements*.in.
lock: | $(BIN)/python
	$(PIP) install pip-tools==7.6.2
	$(BIN)/pip-compile -q --strip-extras -o requirements.txt requirements.in
	$(BIN)/pip-compile -q --strip-extras -o requirements-dev.txt requirements-dev.in

clean:
	rm -rf $(VENV) var artifacts
