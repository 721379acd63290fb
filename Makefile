# Otiose — every target creates .venv and installs on first use.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
HOST    ?= 127.0.0.1
PORT    ?= 5000

.PHONY: run serve test check lint schema export bench load lock clean

# requirements.lock pins every package to a version the suite passed with, so a fresh clone
# installs what CI tested, not whatever was released since; `make lock` moves the pins forward.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

LOCKENV := build/lock-venv

lock:  ## re-pin requirements.lock to the newest versions pyproject.toml allows (then make test)
	rm -rf $(LOCKENV)
	$(PY) -m venv $(LOCKENV)
	$(LOCKENV)/bin/python -m pip install --quiet --upgrade pip
	$(LOCKENV)/bin/python -m pip install --quiet '.[dev]'
	{ echo '# Every package make installs, at the version the suite last passed with. Written by'; \
	  echo '# `make lock` from the ranges in pyproject.toml: edit those, not this file.'; \
	  $(LOCKENV)/bin/python -m pip freeze --exclude otiose; } > requirements.lock
	rm -rf $(LOCKENV)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Links the app writes out whole (share links, canonical and og:url, JSON, the sitemap) use
# OTIOSE_BASE_URL; unset, make run points it at the address it serves (127.0.0.1 for a server
# open on every interface), so that PORT=8000 does not leave them pointing at port 5000.
RUN_BASE = http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)

run: $(STAMP)  ## serve the app on the embedded dev server, reloading on code and content edits
	OTIOSE_BASE_URL="$${OTIOSE_BASE_URL:-$(RUN_BASE)}" \
	  $(BIN)/flask --app app --debug run --host $(HOST) --port $(PORT)

serve: $(STAMP)  ## the production stack on 127.0.0.1:8080 (or PORT=…): nginx (deploy/nginx.conf) → gunicorn
	$(BIN)/python scripts/serve.py

# The suite runs on every core (pytest-xdist, at most four processes: each starts its own
# browser, servers and PostgreSQL); XDIST= runs it in one process, as a failure's own run may want.
XDIST ?= --numprocesses auto --maxprocesses 4

test: $(STAMP) node_modules/.installed  ## lint, check the content, run every test (browser ones included)
	$(BIN)/ruff check .
	$(BIN)/mypy --strict otiose
	$(BIN)/flask --app app check
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

check: $(STAMP)  ## validate every specimen and posting
	$(BIN)/flask --app app check

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy --strict otiose
	$(BIN)/ruff format --check .

schema: $(STAMP)  ## regenerate the JSON Schemas in schema/
	$(BIN)/flask --app app schema

export: $(STAMP)  ## the wiki as static files in build/site: make export BASE_URL=https://host[/folder]
	$(BIN)/flask --app app export build/site $(if $(BASE_URL),--base-url '$(BASE_URL)')

bench: $(STAMP)  ## benchmarks against their targets; writes BENCHMARKS.md (needs wrk, npm, chromium)
	$(BIN)/python scripts/bench.py

load: $(STAMP)  ## 20 s of mixed traffic at 64 connections; writes the results into README.md
	$(BIN)/python scripts/load.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
