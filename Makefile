# Two commands for a fresh machine with Python 3.11+: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check

.PHONY: demo test bench bench-dask clean lint docs test-min mutate

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "tension needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/tension demo

test: lint $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n 2 --nbmake tests tension benchmarks $(wildcard notebooks/*.ipynb)

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e '.[bench]'
	@touch $@ $(VENV)/.installed

# Not part of `make test`: several minutes on a 2-core machine.
bench: $(VENV)/.installed-bench
	$(BIN)/python -m benchmarks.run

bench-dask: $(VENV)/.installed-bench
	$(BIN)/python -m benchmarks.bench_dask

# --- a maintainer's habits (see CONTRIBUTING.md) ------------------------------------------

$(VENV)/.installed-lint: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e '.[lint]'
	@touch $@ $(VENV)/.installed

# ruff (lint and format check), mypy on the package, notebooks stored without outputs.
lint: $(VENV)/.installed-lint
	$(BIN)/ruff check tension tests benchmarks tools
	$(BIN)/ruff format --check tension tests benchmarks tools
	$(BIN)/mypy
	$(BIN)/python tools/check_notebooks.py notebooks/*.ipynb

$(VENV)/.installed-docs: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e '.[docs]'
	@touch $@ $(VENV)/.installed

# The API reference from the numpydoc docstrings, warnings as errors, into docs/_build/html.
docs: $(VENV)/.installed-docs
	$(BIN)/python -m sphinx -W --keep-going -q -b html docs docs/_build/html
	@echo "open docs/_build/html/index.html"

# The fast tests on the declared minimum versions (every `name>=X` of the runtime and
# parquet and extract dependencies pinned to X by tools/floors.py), in a separate venv.
VENV_MIN ?= .venv-min
test-min: | $(BIN)/python
	rm -rf $(VENV_MIN)
	$(PYTHON) -m venv $(VENV_MIN)
	$(PYTHON) tools/floors.py > $(VENV_MIN)/floors.txt
	$(VENV_MIN)/bin/python -m pip --disable-pip-version-check install --quiet -c $(VENV_MIN)/floors.txt \
		-e '.[parquet,extract]' 'pytest>=8' 'hypothesis>=6.100' 'pytest-xdist>=3.5'
	$(VENV_MIN)/bin/python -m pip --disable-pip-version-check list 2>/dev/null \
		| grep -iE '^(numpy|pandas|scipy|matplotlib|pycountry|tqdm|pyarrow) '
	$(VENV_MIN)/bin/python -m pytest -n 2 -q -W ignore::DeprecationWarning tests tension \
		--ignore=tests/test_benchmarks.py --ignore=tension/_numba.py

$(VENV)/.installed-mutate: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e '.[dev,mutate]'
	@touch $@ $(VENV)/.installed

# Mutation testing of the core, model, events and readers against the fast tests; prints
# the kill rate and the survivors (tools/mutate.py). Not part of `make test`: minutes.
mutate: $(VENV)/.installed-mutate
	$(BIN)/python tools/mutate.py

clean:
	rm -rf $(VENV) $(VENV_MIN) tension_demo.png .pytest_cache .hypothesis docs/_build mutants
