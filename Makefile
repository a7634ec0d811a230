# Two commands do all set-up on a machine with only Python 3.11+:
#   make run   — serve the product with demo data on the embedded default
#   make test  — run the whole suite (on PostgreSQL and Redis when DATABASE_URL/REDIS_URL are set)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
BROWSER_DIR := tests/browser

.PHONY: run test bench install lint format clean

# uv fetches and installs the packages side by side: a fresh virtualenv in a third of pip's
# time (23 s against 82 s here). Where uv cannot be had, pip does the same work.
$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "cowork needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	if $(PY) -m pip install --quiet uv; then \
		$(PY) -m uv pip install --quiet --python $(PY) -e '.[test,lint]'; \
	else \
		echo "uv is not available here: installing with pip."; \
		$(PY) -m pip install --quiet --upgrade pip && $(PY) -m pip install --quiet -e '.[test,lint]'; \
	fi
	@touch $@

install: $(VENV)/.installed

# `serve` collects production's hashed static files when DATABASE_URL asks for them, and,
# without SITE_URL, points links in SMS and calendar files at the port it serves.
run: install
	$(PY) manage.py compile_translations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py apply_schedules
	$(PY) manage.py seed_demo
	$(PY) manage.py serve --port $(PORT)

# The browser tests need Chromium and axe-core; without them they are skipped, and say so.
$(BROWSER_DIR)/node_modules/.installed: $(BROWSER_DIR)/package.json $(BROWSER_DIR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(BROWSER_DIR) --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: browser tests will be skipped (axe-core comes from npm)."; \
	fi

# Tests need a key even on the PostgreSQL lane, where production settings require one.
# PYTEST_ARGS goes to pytest, e.g. PYTEST_ARGS='-m "not browser"' leaves the browser out.
test: export SECRET_KEY ?= insecure-key-for-tests-only
test: install $(BROWSER_DIR)/node_modules/.installed
	@$(PY) manage.py compile_translations
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== make test on PostgreSQL (DATABASE_URL) with $${REDIS_URL:+Redis (REDIS_URL)}$${REDIS_URL:-the in-memory channel layer}"; \
	else \
		echo "== make test on the embedded default (SQLite, in-memory channel layer)"; \
	fi
	$(PY) -m pytest $(PYTEST_ARGS)

# Every benchmark in tests/bench/ one after another at full size, rewriting docs/benchmarks.md.
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres) and Redis on 127.0.0.1:6379, and a quiet
# machine: the figures are only worth their ratios when nothing else runs.
#   make bench BENCH_ARGS=--quick                      small sizes, into var/benchmarks-quick.md
#   make bench BENCH_ARGS="--only availability,ical"   some of them (names: tests/bench/bench.py)
bench: install
	$(PY) tests/bench/bench.py $(BENCH_ARGS)

# Style, then the layers of docs/architecture.md ([tool.importlinter] in pyproject.toml).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) var $(BROWSER_DIR)/node_modules
