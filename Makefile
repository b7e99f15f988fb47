# The two commands: `make run` and `make test`. Everything else is a helper.
# Development targets run with DEBUG=true (the settings default to false, as production wants).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: run test lint format bench install services-start services-stop lock check

run: install  ## set up everything and serve http://127.0.0.1:8000 with the demo data
	bin/run

test: install  ## the whole suite against real PostgreSQL and Redis
	bin/test

install: $(VENV)/.installed node_modules/.installed

# Front-end libraries (Cytoscape.js for the graph explorer), served from node_modules as static files.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.lock | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install  ## migrations committed, Django system checks
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	DEBUG=true $(PY) manage.py check

bench: install  ## benchmark commands; they print figures (see docs/benchmarks.md)
	DEBUG=true $(PY) manage.py bench_ingest --records 100000
	DEBUG=true $(PY) manage.py bench_embed
	DEBUG=true $(PY) manage.py bench_search --papers 100000
	DEBUG=true $(PY) manage.py bench_graph --authors 100000 --collaborators 1000

services-start: install
	$(PY) -m config.embedded start

services-stop: install
	$(PY) -m config.embedded stop

lock: install  ## re-pin the whole dependency tree after changing pyproject.toml
	( echo "# regenerate: make lock"; $(VENV)/bin/pip freeze --exclude-editable \
	  | sed 's/^torch==2.13.0+cpu$$/torch==2.13.0/' ) > requirements.lock  # the local CPU build
