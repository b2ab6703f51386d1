# The two commands of the README: `make run` and `make test`. Everything else is what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export ANZE_DEBUG ?= 1

.PHONY: run test typecheck setup deps npm browser lint format migrate demo bench manual clean

run: setup migrate ## serve the system with demo data at http://127.0.0.1:$(PORT), with the background worker
	$(PY) manage.py demo_data --if-empty
	PORT=$(PORT) bin/run-dev

# Tests run in parallel, one process per core (pytest-xdist), and print the 15 slowest. worksteal: a worker
# that has run its share takes tests queued on the other, so a long browser flow does not leave one working
# alone at the end (conftest.py starts the browser tests, longest first).
PYTEST_ARGS ?= -n auto --dist worksteal --durations=15

# LINT=0 leaves out ruff and mypy: they read the code, not the database, so CI's second run (PostgreSQL) skips
# them after the first has passed them.
LINT ?= 1

test: setup browser ## ruff + mypy (the files listed in pyproject.toml) + the whole pytest suite (browser tests included)
ifneq ($(LINT),0)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	ANZE_DEBUG=0 ANZE_TESTING=1 $(VENV)/bin/mypy
endif
	ANZE_DEBUG=0 ANZE_TESTING=1 $(PY) -m pytest $(PYTEST_ARGS)

setup: deps npm

deps: $(VENV)/.installed
# uv installs the same locked packages as pip would, in ~3 s instead of ~26 s (a tenth of CI's time went to pip).
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -c requirements.lock uv
	$(PY) -m uv pip install --python $(PY) --quiet -c requirements.lock -e ".[dev]"
	touch $@

npm: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

browser: ## Debian's Chromium and a Chinese font for the browser tests
	@bin/ensure-chromium

migrate: deps
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo_data

bench: deps ## every bench command (bin/bench) at ORDERS synthetic orders (default 100000) on SQLite in var/bench/, and on BENCH_DATABASE_URL's PostgreSQL when set; figures in var/bench/figures-*.txt
	ORDERS=$${ORDERS:-100000} bin/bench

manual: setup browser ## 操作手册: a fresh demo system (var/manual/) driven side by side in Chromium, written to docs/manual/ (Markdown, PNG, PDF)
	$(PY) manage.py manual

lint:
	$(VENV)/bin/ruff check .

typecheck: deps ## mypy with django-stubs on the files listed in pyproject.toml ([tool.mypy] files)
	ANZE_DEBUG=0 ANZE_TESTING=1 $(VENV)/bin/mypy

format:
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules staticfiles
