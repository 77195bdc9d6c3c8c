# Two commands do all the set-up on a fresh machine:
#   make demo   creates .venv, installs, runs the main job on the embedded SQLite default
#   make test   creates .venv, installs with the dev extra, runs linting, typing and the suite
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck bench clean browser

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "salesdomain needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# the main job writes the quarter's report as PDF: the reports extra comes with it
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[reports]"
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/salesdomain demo

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src projections tests benchmarks
	$(BIN)/ruff format --check src projections tests benchmarks

# mypy reads files, not setuptools' package-dir mapping: it checks a tree of links that
# lays the three directories out as the one package ``salesdomain`` (ADR 25).
TYPECHECK_TREE := .typecheck
typecheck: $(VENV)/.installed-dev
	rm -rf $(TYPECHECK_TREE) && mkdir -p $(TYPECHECK_TREE)/salesdomain
	for entry in src/salesdomain/*; do ln -s "$(CURDIR)/$$entry" $(TYPECHECK_TREE)/salesdomain/; done
	ln -s "$(CURDIR)/src/adapters" $(TYPECHECK_TREE)/salesdomain/adapters
	ln -s "$(CURDIR)/projections" $(TYPECHECK_TREE)/salesdomain/projections
	cd $(TYPECHECK_TREE) && "$(CURDIR)/$(BIN)/mypy" --config-file "$(CURDIR)/pyproject.toml" -p salesdomain

# Best effort: the dashboard's browser test uses the system's Chromium; as root with apt,
# install it when missing (otherwise that one test skips and says why).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	  || echo "Chromium not installed: the dashboard's browser test will be skipped"; }

test: lint typecheck browser
	$(BIN)/pytest -n auto --dist loadscope

bench: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks.command_throughput

clean:
	rm -rf $(VENV) salesdomain-demo.db .pytest_cache .mypy_cache .ruff_cache $(TYPECHECK_TREE)
