# trialwatch: `make run` builds the warehouse from the bundled sample, `make test` tests it.
# Every target bootstraps its own environment (uv, then a locked venv) on a fresh machine.

SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help install system-run system-test manifest run backfill rebuild test test-fast test-deep test-crash lint format dev sql site docs dashboard notebooks emulator bench clean

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Runs started by `make run` are recorded here, so `make dev` shows them.
export DAGSTER_HOME ?= $(CURDIR)/data/dagster
# The instance's settings: dagster.yaml on one machine, deploy/dagster.yaml (PostgreSQL)
# for a team (docs/operators.md, "Deploy beyond one machine").
DAGSTER_YAML ?= dagster.yaml
SOURCE ?=
AS_OF ?=
PULL ?=
PORT ?= 8765
DASHBOARD_PORT ?= 2718
SITE_PORT ?= 8000
# marimo asks PyPI for a newer version at start; there is no network to ask.
export MARIMO_SKIP_UPDATE_CHECK := 1
STUDIES ?= 10000
CHANGED ?= 1000
DAYS ?= 1
RECORD ?=
HISTORIES ?=
MINUTES ?=
FIRST ?=

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# Compiled at install: where PYTHONDONTWRITEBYTECODE is set (as on CI), each process would
# otherwise compile every module it imports, seconds for each dbt run and each test worker.
$(BIN)/.installed: pyproject.toml uv.lock
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv \
		|| $(PYTHON) -m pip install --quiet --user uv
	$(PYTHON) -m uv sync --frozen --compile-bytecode --python $(PYTHON)
	@touch $@

# The instance's settings (one run at a time) are tracked in $(DAGSTER_YAML); an existing
# instance gets them too.
install: $(BIN)/.installed  ## create the virtual environment from uv.lock
	@mkdir -p $(DAGSTER_HOME)
	@cmp -s $(DAGSTER_YAML) $(DAGSTER_HOME)/dagster.yaml || cp $(DAGSTER_YAML) $(DAGSTER_HOME)/dagster.yaml

# Debian's Chromium prints the weekly report's PDF (never a browser download); the tests
# also drive it with Playwright, render PDFs with poppler and read them with tesseract.
system-run:
	@.ci/system-packages chromium:chromium \
		|| echo "Going on without Chromium: the weekly report is written without its PDF." >&2

system-test:
	@.ci/system-packages chromium:chromium pdftoppm:poppler-utils tesseract:tesseract-ocr \
		pg_ctlcluster:postgresql

# Parsed again only when the project or the installed packages changed: a run leaves the
# manifest alone, which other processes (tests, a code server) may be reading. The parse
# is made with the pipeline's dbt profile, so that a new data folder's first build starts
# from it (Settings.dbt_env).
MANIFEST := dbt_project/target/manifest.json
DBT_SOURCES := $(shell find dbt_project -mindepth 1 \( -name target -o -name logs -o -name .user.yml \) -prune -o -print)

$(MANIFEST): $(DBT_SOURCES) $(BIN)/.installed
	@$(BIN)/python -m orchestration.defs.warehouse.dbt_resource
	@touch $@

manifest: install $(MANIFEST)  ## parse the dbt project (the manifest Dagster loads)

run: manifest system-run  ## land SOURCE= (a dump, default the sample, or an API URL; AS_OF=, PULL=), build, publish
	$(BIN)/python -m orchestration run $(if $(SOURCE),--source "$(SOURCE)") \
		$(if $(AS_OF),--as-of "$(AS_OF)") $(if $(PULL),--pull "$(PULL)")

backfill: manifest system-run  ## fill in every landed trial's history from SOURCE= (an API URL, default registry), then build and publish (MINUTES=: one slice; FIRST=NCT..,..: those trials first)
	$(BIN)/python -m orchestration backfill --source "$(or $(SOURCE),registry)" \
		$(if $(MINUTES),--minutes "$(MINUTES)") $(if $(FIRST),--first "$(FIRST)")

rebuild: manifest system-run  ## rebuild every model whole from the landing (as the weekly reconcile does), publish what differs
	$(BIN)/python -m orchestration rebuild

# One worker per core (pytest-xdist); a file's tests stay on one worker, so the
# fixtures a file builds are built once. Files go out in the order tests/conftest.py
# gives them (the longest first), not by their number of tests.
test: manifest system-test  ## run the test suite
	$(BIN)/pytest -n auto --dist loadfile --no-loadscope-reorder

# The edit-and-test loop: no graph run, no server, no browser, no dbt (tests marked
# neither graph nor slow nor long), on both cores; under 90 seconds.
test-fast: install  ## the tests that build nothing and serve nothing (under 90 s)
	$(BIN)/pytest -n 2 -m "not deep and not graph and not slow and not long" -q

# Random searches beyond `make test`. test-deep draws histories on both cores until
# MINUTES= are up, prints how many passed, and a failing one's seed (SEED= plays that
# history alone); test-crash kills runs at random moments (CRASH_SEED= the same kills).
MINUTES ?= 60
SEED ?=
CRASH_SEED ?=
DEEP_REPORT := data/logs/test-deep.txt
test-deep: manifest system-test  ## drawn histories for MINUTES= (60), or the one of SEED=
	@mkdir -p $(dir $(DEEP_REPORT)) && rm -f $(DEEP_REPORT)
	@TRIALWATCH_DEEP_UNTIL=$$(( $$(date +%s) + $(MINUTES) * 60 )) \
		TRIALWATCH_DEEP_REPORT=$(CURDIR)/$(DEEP_REPORT) $(if $(SEED),TRIALWATCH_HISTORY_SEED=$(SEED)) \
		$(BIN)/pytest -m deep -n 2 --dist loadgroup tests/defs/test_drawn_histories.py; \
		status=$$?; echo "Histories: $$(grep -c '^passed' $(DEEP_REPORT) 2>/dev/null) passed," \
		"$$(grep -c '^FAILED' $(DEEP_REPORT) 2>/dev/null) failed in $(MINUTES) minutes ($(DEEP_REPORT))"; \
		exit $$status

test-crash: manifest system-test  ## kill runs at random over the sample and the seed dumps (CRASH_SEED=)
	$(if $(CRASH_SEED),TRIALWATCH_CRASH_SEED=$(CRASH_SEED)) $(BIN)/pytest -m deep tests/defs/test_crash.py

lint: install  ## ruff and sqlfluff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt_project

format: install  ## fix what ruff and sqlfluff can fix
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/sqlfluff fix dbt_project

dev: manifest  ## the Dagster UI on http://localhost:3000 with every asset, check and schedule
	$(BIN)/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

sql: install  ## the DuckDB shell on the published warehouse (the lake, read-only); pipe SQL in or type it
	@init=$$($(BIN)/python -m orchestration lake-init) && exec $(BIN)/duckdb -init "$$init"

site: install  ## serve the site (built by `make run`) and its sign-ups on http://127.0.0.1:SITE_PORT
	$(BIN)/python -m orchestration.web --host 127.0.0.1 --port $(SITE_PORT)

docs: manifest  ## dbt docs for the last build (run `make run` first) on http://127.0.0.1:8080
	@test -f data/.build/warehouse.duckdb || { echo "No build yet: run 'make run' first." >&2; exit 1; }
	cd dbt_project && TRIALWATCH_BUILD_WAREHOUSE=$(CURDIR)/data/.build/warehouse.duckdb \
		TRIALWATCH_LANDING=$(CURDIR)/data/landing.duckdb \
		../$(BIN)/dbt docs generate --quiet --profiles-dir . \
		&& ../$(BIN)/dbt docs serve --profiles-dir . --host 127.0.0.1 --port 8080 --no-browser

dashboard: install  ## the recruiting-trends dashboard (notebooks/trends.py) on http://127.0.0.1:DASHBOARD_PORT
	@$(BIN)/python -m orchestration lake-init >/dev/null
	$(BIN)/marimo run notebooks/trends.py --host 127.0.0.1 --port $(DASHBOARD_PORT) --headless --no-token

notebooks: install  ## edit the notebooks (trends, explorer, quality) in marimo
	$(BIN)/marimo edit notebooks --host 127.0.0.1 --port $(DASHBOARD_PORT) --no-token

emulator: install  ## serve a dump (SOURCE=, default the sample) as the registry API on 127.0.0.1:PORT (HISTORIES=1: record histories too)
	$(BIN)/python -m orchestration.testing.registry_emulator --port $(PORT) \
		--dump "$(or $(SOURCE),data/sample/studies.jsonl.gz)" $(if $(HISTORIES),--histories)

bench: manifest  ## time each stage of a full load of STUDIES= and DAYS= daily updates of CHANGED=, then search (RECORD=1: into docs/benchmarks.md)
	$(BIN)/python -m benchmarks.scale --studies $(STUDIES) --changed $(CHANGED) --days $(DAYS) $(if $(RECORD),--record)
	$(BIN)/python -m benchmarks.search --studies $(STUDIES) --changed $(CHANGED) $(if $(RECORD),--record)
	$(BIN)/python -m benchmarks.backfill --studies $(STUDIES) $(if $(RECORD),--record)

clean:  ## remove everything generated (the warehouse, the landing, the venv)
	rm -rf $(VENV) data/landing.duckdb data/lake data/.build data/dagster data/site \
		data/site-builds data/site-state data/exports data/cache dbt_project/target
