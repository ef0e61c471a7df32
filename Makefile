# Two commands for a newcomer: `make run` and `make test`.  Each installs exactly what
# uv.lock pins into .venv (creating it when it is missing or older than pyproject.toml or
# the lock), and makes sure the few system libraries Qt needs on a bare Linux machine are
# there.  Only Python 3.11+ and make are needed: uv itself comes from PyPI, pinned below,
# into .tools/.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
LATEST_VENV := .venv-latest
DIST_VENV := .venv-dist
DIST_STAMP := $(DIST_VENV)/.installed
DIST_DIR ?= dist
DIST_WORK ?= build/pyinstaller
# uv never downloads an interpreter of its own: reader runs on the Python the user has.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test test-latest lock lock-check lint bench screenshot dist clean

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "reader needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check 'uv==$(UV_VERSION)'

$(STAMP): pyproject.toml uv.lock $(UV)
	$(UV) sync --quiet --locked --python $(PYTHON) --extra test --extra bench
	@sh .ci/system-libs $(PY)
	@# Bytecode up front, as a package install has it: every start saves ~40 ms of compiling
	@# where PYTHONDONTWRITEBYTECODE is set or the tree is read-only.
	@$(PY) -m compileall -q reader >/dev/null
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/reader seeds

test: $(STAMP)
	$(PY) -m pytest

# The newest releases pyproject.toml allows, ignoring the lock, in a throwaway venv: drift
# shows here before a user meets it.  Raise the lock (make lock) once this passes.
test-latest: $(UV)
	rm -rf $(LATEST_VENV)
	$(UV) venv --quiet --python $(PYTHON) $(LATEST_VENV)
	$(UV) pip install --quiet --python $(LATEST_VENV)/bin/python --upgrade --refresh -e '.[test,bench]'
	$(UV) pip list --python $(LATEST_VENV)/bin/python
	@sh .ci/system-libs $(LATEST_VENV)/bin/python
	$(LATEST_VENV)/bin/python -m pytest

# After editing pyproject.toml's dependencies: lock what changed, keep the rest, and write
# constraints.txt from the lock.  `make lock UPGRADE=1` raises everything to the newest
# releases pyproject.toml allows (run `make test-latest` first).
lock: $(UV)
	$(UV) lock $(if $(UPGRADE),--upgrade) --python $(PYTHON)
	$(UV) export --quiet --frozen --all-extras --no-emit-project --no-hashes --no-header \
		--output-file constraints.txt

# The lock matches pyproject.toml and constraints.txt matches the lock.
lock-check: $(UV)
	$(UV) lock --check --python $(PYTHON)
	$(UV) export --quiet --frozen --all-extras --no-emit-project --no-hashes --no-header \
		| diff -u constraints.txt -

lint: $(STAMP)
	$(VENV)/bin/ruff check reader tests

bench: $(STAMP)
	$(PY) -m reader.bench

screenshot: $(STAMP)
	sh .ci/screenshot

# The self-contained bundle: $(DIST_DIR)/reader/ with its `reader` executable (and on
# Windows a console `reader-cli` beside the windowed `reader`), built by PyInstaller from
# packaging/reader.spec.  Its own venv holds only reader and the `dist` extra, from the lock.
$(DIST_STAMP): pyproject.toml uv.lock $(UV)
	UV_PROJECT_ENVIRONMENT=$(DIST_VENV) $(UV) sync --quiet --locked --python $(PYTHON) --extra dist
	@sh .ci/system-libs $(DIST_VENV)/bin/python
	@touch $(DIST_STAMP)

dist: $(DIST_STAMP)
	$(DIST_VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN \
		--distpath $(DIST_DIR) --workpath $(DIST_WORK) packaging/reader.spec
	@du -sh $(DIST_DIR)/reader

clean:
	rm -rf $(VENV) $(LATEST_VENV) $(DIST_VENV) $(TOOLS) build dist *.egg-info
