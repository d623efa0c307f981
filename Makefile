# The two commands a newcomer needs: `make demo` and `make test`. Everything else supports them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-fast es-up es-down es-status browser clean

install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,postgres]'
	touch $@

demo: install
	$(BIN)/sharehub demo

# The whole suite, with a real Elasticsearch node and a real headless Chromium.
test: install es-up browser
	$(BIN)/python -m pytest

# Without Elasticsearch, for a quick local loop.
test-fast: install
	SHAREHUB_TEST_SKIP_ES=1 $(BIN)/python -m pytest -m 'not browser'

es-up:
	bash scripts/es-node.sh up

es-down:
	bash scripts/es-node.sh down

es-status:
	bash scripts/es-node.sh status

# Debian's Chromium for the page tests (installed once; the tests find it at /usr/bin/chromium).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

clean:
	rm -rf $(VENV) var build *.egg-info
