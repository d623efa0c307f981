# The two commands a newcomer needs: `make demo` and `make test`. Everything else supports them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-fast bench es-up es-down es-status pg-up pg-down browser clean

install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,postgres]'
	touch $@

demo: install
	$(BIN)/sharehub demo

# The whole suite, with a real Elasticsearch node, PostgreSQL and a headless Chromium.
test: install es-up pg-up browser
	$(BIN)/python -m pytest

# Without Elasticsearch, PostgreSQL and Chromium, for a quick local loop.
test-fast: install
	SHAREHUB_TEST_SKIP_ES=1 SHAREHUB_TEST_SKIP_POSTGRES=1 $(BIN)/python -m pytest -m 'not browser'

# Search at scale: 100,000 and 1,000,000 synthetic listings on both engines (several minutes);
# prints docs/s, size on disk and query latency with facets. BENCH_ARGS="--sizes 20000" for a quick run.
bench: install es-up
	$(BIN)/python bench/search_scale.py $(BENCH_ARGS)

es-up:
	bash scripts/es-node.sh up

es-down:
	bash scripts/es-node.sh down

es-status:
	bash scripts/es-node.sh status

# A local PostgreSQL on 127.0.0.1:55432 for the catalog tests (Debian's package).
pg-up:
	bash scripts/pg-node.sh up

pg-down:
	bash scripts/pg-node.sh down

# Debian's Chromium and a Korean font for the page tests (installed once, as root).
browser:
	@{ command -v chromium && fc-list | grep -qi nanum; } >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-nanum >/dev/null; }

clean:
	rm -rf $(VENV) var build *.egg-info
