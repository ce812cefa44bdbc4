# Two commands for a fresh machine with Python 3.11+: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check

.PHONY: demo test bench bench-dask clean

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

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n 2 --nbmake tests tension benchmarks $(wildcard notebooks/*.ipynb)

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e '.[bench]'
	@touch $@ $(VENV)/.installed

# Not part of `make test`: several minutes on a 2-core machine.
bench: $(VENV)/.installed-bench
	$(BIN)/python -m benchmarks.run

bench-dask: $(VENV)/.installed-bench
	$(BIN)/python -m benchmarks.bench_dask

clean:
	rm -rf $(VENV) tension_demo.png .pytest_cache .hypothesis
