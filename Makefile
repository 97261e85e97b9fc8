# reemud: two commands do everything on a fresh machine.
#   make run   creates .venv, installs reemud, runs the default scenario, writes out/report.html and out/reemud.db
#   make test  creates .venv, installs the test extras, lints, checks import layers, runs the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= out

.PHONY: run test lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/reemud run --out $(OUT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: $(VENV)/.installed-test lint
	$(BIN)/python -m pytest


clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache
