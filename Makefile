# reemud: two commands do everything on a fresh machine.
#   make run   creates .venv, installs reemud, runs the default scenario, writes out/report.html and out/reemud.db
#   make test  creates .venv, installs the test and web extras, lints, checks import layers, installs
#              Debian's chromium for the browser tests if missing, starts a throwaway PostgreSQL on
#              loopback (installing Debian's postgresql if missing), runs the whole suite, stops it
#   make serve creates .venv with the web extra and serves the web app on http://127.0.0.1:8000/
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= out

.PHONY: run test lint serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dask]"
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,db,web,dask]"
	touch $@ $(VENV)/.installed $(VENV)/.installed-web

$(VENV)/.installed-web: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[web,dask]"
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/reemud run --out $(OUT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports

serve: $(VENV)/.installed-web
	$(BIN)/reemud serve --out $(OUT)

test: $(VENV)/.installed-test lint
	bash scripts/chromium.sh
	@trap 'bash scripts/pg.sh stop' EXIT INT TERM; \
	url=$$(bash scripts/pg.sh start) || exit 1; \
	REEMUD_TEST_PG_URL=$$url $(BIN)/python -m pytest


clean:
	rm -rf $(VENV) $(OUT) test-output .pytest_cache .ruff_cache
