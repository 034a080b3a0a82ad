# Continuum: `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# Two workers: one per core of the CI machine.
PYTEST_ARGS ?= -n 2

.PHONY: run test test-pg bench lint translations install chromium clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Running needs only the package; tests, lint and benchmarks add their extras.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed: pyproject.toml $(VENV)/.installed-run
	$(BIN)/pip install --quiet -e '.[test,postgres,bench]'
	touch $@

install: $(VENV)/.installed translations

# The compiled catalogue is built from the .po file (not tracked), so it never goes stale
# and building it leaves `git status` clean.
translations: $(VENV)/.installed-run
	@if [ -d community/translations ]; then $(BIN)/pybabel compile -f -d community/translations >/dev/null; fi

run: $(VENV)/.installed-run translations
	@$(FLASK) db upgrade >/dev/null
	@$(FLASK) community seed-demo --first-start
	@$(FLASK) community serve --host $(HOST) --port $(PORT)

# Debian's chromium drives the browser journeys (Playwright never downloads a browser here).
chromium:
	@command -v chromium >/dev/null || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || { echo "could not install chromium: run as root or install it"; exit 1; }; }

test: install chromium
	$(BIN)/pytest -q -p no:cacheprovider $(PYTEST_ARGS)

# The same suite against a throw-away PostgreSQL cluster (installed if missing), but for
# the browser journeys: they click through pages whose every query the rest of the suite
# already runs on PostgreSQL, and they ran on SQLite in `make test`.
test-pg: install
	@url=$$(bash .ci/postgres.sh start) && \
	  COMMUNITY_TEST_DATABASE_URL=$$url $(BIN)/pytest -q -p no:cacheprovider -m "not browser" $(PYTEST_ARGS); \
	  status=$$?; bash .ci/postgres.sh stop; exit $$status

bench: install
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

# Style, dead code (pyproject's [tool.vulture], exceptions in .ci/vulture_whitelist.py),
# import layers (pyproject's [tool.importlinter]) and import cycles: import_cycles also
# catches cycles inside one package, which a layers contract does not look at.
lint: install
	$(BIN)/ruff check community tests benchmarks .ci/vulture_whitelist.py
	$(BIN)/vulture
	$(BIN)/lint-imports
	$(BIN)/python .ci/import_cycles.py community

clean:
	rm -rf $(VENV) .pytest_cache
