# The two commands: `make run` and `make test`. Everything else is a helper.
# Development targets run with DEBUG=true (the settings default to false, as production wants).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# pyproject.toml wants Python 3.11; take it when the machine has it (bin/check-prereqs explains).
PYTHON ?= $(shell command -v python3.11 >/dev/null 2>&1 && echo python3.11 || echo python3)
export PYTHON

.PHONY: run test lint format bench bench-corpus install services-start services-stop lock check prereqs soak faults check-upgrade

run: prereqs install  ## set up everything and serve http://127.0.0.1:8000 with the demo data
	bin/run

test: prereqs install  ## the whole suite against real PostgreSQL and Redis
	bin/test

prereqs:  ## name whatever this machine lacks, and how to install it
	@bin/check-prereqs

install: $(VENV)/.installed node_modules/.installed

# Front-end libraries (Cytoscape.js for the graph explorer), served from node_modules as static files.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(PY):
	$(PYTHON) -m venv $(VENV)

# torch first, without hashes (a CPU-only build; see bin/lock), then the hashed lock of the rest.
$(VENV)/.installed: requirements/torch.txt requirements/dev.lock | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --no-deps -r requirements/torch.txt
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.lock
	touch $@

lint: install  ## ruff, and the architecture contracts (import-linter, docs/architecture.md)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install  ## migrations committed, Django system checks
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	DEBUG=true $(PY) manage.py check

# `make bench` measures the development database as it is: load the million-paper corpus first
# (`make bench BENCH_CORPUS=1`, about 15 minutes here, or `make bench-corpus`). Each command with
# --write-docs replaces its own generated block of docs/benchmarks.md (common/benchmarks.py).
BENCH_PAPERS ?= 1000000
BENCH_CONCURRENCY ?= 8,32
BENCH_SECONDS ?= 10
bench: install  ## every benchmark command; figures into docs/benchmarks.md (BENCH_CORPUS=1 loads the corpus first)
ifeq ($(BENCH_CORPUS),1)
	DEBUG=true $(PY) manage.py synth_corpus --papers $(BENCH_PAPERS) --replace
endif
	DEBUG=true $(PY) manage.py bench_ingest --records 1000 --preload 0,100000,1000000
	DEBUG=true $(PY) manage.py bench_workers --files 2 --records 500 --write-docs
	DEBUG=true $(PY) manage.py bench_embed --repeat 3 --openvino-fp32 --write-docs
	DEBUG=true $(PY) manage.py bench_search --papers 100000
	DEBUG=true $(PY) manage.py bench_graph --authors 100000 --collaborators 1000 --write-docs
	DEBUG=true $(PY) manage.py bench_hnsw --write-docs
	DEBUG=true $(PY) manage.py bench_pages --write-docs
	DEBUG=true $(PY) manage.py bench_http --concurrency $(BENCH_CONCURRENCY) --seconds $(BENCH_SECONDS) --write-docs

# Replaces the development database's papers, authors and edges with a synthetic corpus
# (BENCH_PAPERS, a million by default; about 15 minutes here), then measures the index on it.
bench-corpus: install  ## load BENCH_PAPERS synthetic papers over the dev data, then HNSW recall/latency
	DEBUG=true $(PY) manage.py synth_corpus --papers $(BENCH_PAPERS) --replace
	DEBUG=true $(PY) manage.py bench_hnsw

soak: install  ## load test of the production server (SOAK_ARGS="--minutes 0.5 --users 5")
	$(PY) bin/soak $(SOAK_ARGS)

faults: install  ## an import survives PostgreSQL and Redis restarts (a few minutes)
	RUN_FAULT_TESTS=1 bin/test -m faults -p no:cacheprovider $(FAULTS_ARGS)

check-upgrade: install  ## build a var/ with OLD=<commit> (demo data, claim, merge, conversation), migrate a copy with this checkout, print row counts before/after
	bin/check-upgrade $(or $(OLD),$(error set OLD=<commit>, e.g. make check-upgrade OLD=c8f0c83)) $(UPGRADE_DIR)

services-start: install
	$(PY) -m config.embedded start

services-stop: install
	$(PY) -m config.embedded stop

lock: install  ## re-pin the dependency tree (requirements/*.lock, hashed) after changing pyproject.toml
	bin/lock
