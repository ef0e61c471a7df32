# Two commands for a newcomer: `make run` and `make test`.  Each creates .venv when it is
# missing or older than pyproject.toml, installs reader with its test extras, and makes sure
# the few system libraries Qt needs on a bare Linux machine are there.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench screenshot clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "reader needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	@sh .ci/system-libs $(PY)
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/reader seeds

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check reader tests

bench: $(STAMP)
	$(PY) -m reader.bench

screenshot: $(STAMP)
	sh .ci/screenshot

clean:
	rm -rf $(VENV) build *.egg-info
