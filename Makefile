# The two commands a newcomer needs: `make demo` and `make test`. Everything else supports them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-fast bench bench-portal translations es-up es-down es-status pg-up pg-down browser clean

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

# The portal under load: wrk (Debian's package) against `sharehub serve` with 100,000 listings,
# cycling through 400 search URLs; prints req/s and latency of the search page and the API.
bench-portal: install
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python bench/portal_http.py $(BENCH_ARGS)

# After changing a page's text: extract the messages, merge them into the Korean catalog, edit
# search_ui/translations/ko/LC_MESSAGES/messages.po, then run this again to compile it.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext --no-location --sort-output -o search_ui/translations/messages.pot .
	$(BIN)/pybabel update -i search_ui/translations/messages.pot -d search_ui/translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d search_ui/translations

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

# Debian's Chromium, a Korean font and axe-core (npm, pinned) for the page tests: installs only what
# is missing (as root; apt-get update first), so a second run does nothing. Tests read axe.min.js from
# $(AXE_JS), or from SHAREHUB_AXE_JS when set.
AXE_VERSION := 4.14.1
NPM_CACHE := .cache/npm
AXE_JS := $(NPM_CACHE)/node_modules/axe-core/axe.min.js

browser:
	@pkgs=; \
	test -x /usr/bin/chromium || pkgs="$$pkgs chromium"; \
	dpkg-query -W -f='$${db:Status-Abbrev}' fonts-nanum 2>/dev/null | grep -q '^ii' || pkgs="$$pkgs fonts-nanum"; \
	axe_ok=; head -n 1 $(AXE_JS) 2>/dev/null | grep -qxF '/*! axe v$(AXE_VERSION)' && axe_ok=1; \
	test -n "$$axe_ok" || command -v npm >/dev/null || pkgs="$$pkgs npm"; \
	if [ -n "$$pkgs" ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$pkgs >/dev/null || exit 1; \
	fi; \
	if [ -z "$$axe_ok" ]; then \
	  npm install --prefix $(NPM_CACHE) --no-save --no-audit --no-fund --no-package-lock --loglevel=error \
	    axe-core@$(AXE_VERSION) >/dev/null && test -s $(AXE_JS) || { echo "axe-core $(AXE_VERSION) did not install" >&2; exit 1; }; \
	fi

clean:
	rm -rf $(VENV) var build *.egg-info $(NPM_CACHE) test-output
