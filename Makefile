# Two commands for a newcomer: `make plan` (offline plan of the dev stack) and `make test`.
#
# Installs go through uv (from PyPI, into the venv): the providers are ~500 MB of generated
# Python that pip unpacks and byte-compiles in minutes, uv in seconds. `make plan` installs
# only the package and its `plan` extra; `make test` adds the dev toolchain.
PYTHON ?= python3
# Python writes its bytecode caches (__pycache__/, git-ignored) even where the environment says not to:
# without them every pytest process re-compiles and re-rewrites the asserts of all ~100 test modules
# (about 2 s of CPU per process, and `make test` starts several) and every library module it imports.
unexport PYTHONDONTWRITEBYTECODE
VENV   ?= .venv
BIN    := $(VENV)/bin
UV     := $(BIN)/uv
INSTALL = $(UV) pip install --quiet --python $(BIN)/python

.PHONY: setup plan test test-floors lint typecheck unit wheel bench clean browser-deps test-browser bench-player

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(UV): | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv

# One stamp per install set; either is redone when pyproject.toml changes.
$(VENV)/.plan-installed: pyproject.toml | $(UV)
	$(INSTALL) -e '.[plan]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(UV)
	$(INSTALL) -e '.[dev]'
	touch $@ $(VENV)/.plan-installed

setup: $(VENV)/.dev-installed

plan: $(VENV)/.plan-installed
	$(BIN)/livestream plan dev

# `make test` runs the suites below side by side, at most three at a time: on 2 cores the browser
# suite and the ops tests mostly wait on the clock while the unit tests compute. Each suite's output
# is printed whole when it ends (--output-sync); the first failure fails `make test`. A new suite
# is a target of its own, added to SUITES. `make test JOBS=1` runs them one after another.
# The browser suite runs in one process (BROWSER_WORKERS below): a second worker would cost a second
# Chromium and a second copy of the test imports for no time saved.
# Lint, the type check and the wheel check run first, beside the first unit tests: a cold mypy
# (~400 MiB) or the wheel's consumer plan later, beside grown unit workers, made a fresh run's
# memory peak (1,750 MiB PSS instead of ~1,400).
SUITES := unit test-browser lint typecheck wheel
JOBS   ?= 3
test:
	@$(MAKE) --no-print-directory -j$(JOBS) --output-sync=target $(SUITES)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/sizes --top 0 livestream

typecheck: setup
	$(BIN)/mypy

# worksteal: a worker that runs out of tests takes some of the other's, so neither idles at the end
# while the other still holds a queue (with the default `load`, 56-64 s instead of 70-73 s beside
# the browser suite).
unit: setup
	$(BIN)/pytest -n 2 --dist worksteal -m "not browser"

# The player page in headless Chromium (tests/browser): Playwright from PyPI; Chromium and ffmpeg
# from the system (apt-get when root), else Playwright's download / the imageio-ffmpeg wheel.
$(VENV)/.browser-installed: pyproject.toml scripts/browser-deps | $(VENV)/.dev-installed
	$(INSTALL) -e '.[dev,browser]'
	./scripts/browser-deps $(BIN)
	touch $@

browser-deps: $(VENV)/.browser-installed

# The offline test (`long_wait`) waits about 35 s on the player's own timers. In one process its
# broadcast (a channel of its own) plays out beside the other tests from the first one on and the
# test runs last, checking what the page showed: about 39 s wall alone, as long as the other tests.
# On two workers (worksteal, because loadgroup stopped grouping on pytest 9.2, pytest-dev/pytest-xdist#1386)
# it runs first on one while the other runs the rest: about 40 s too, for a second Chromium and a
# second copy of the test imports, so one process is the default (BROWSER_WORKERS=0). The path keeps
# the workers from collecting the unit suite.
BROWSER_WORKERS ?= 0
test-browser: browser-deps
	$(BIN)/pytest -m browser -n $(BROWSER_WORKERS) --dist worksteal tests/browser

wheel: setup
	./scripts/check-wheel

# The plan tests on the lowest versions pyproject.toml allows (.ci/floors.txt pins them), in a
# second venv: about 3 minutes here, so .ci/run runs it after `make test`.
FLOORS_VENV ?= .venv-floors
test-floors: | $(UV)
	$(PYTHON) -m venv $(FLOORS_VENV)
	$(UV) pip install --quiet --python $(FLOORS_VENV)/bin/python -c .ci/floors.txt -e '.[dev]'
	$(UV) pip freeze --python $(FLOORS_VENV)/bin/python | grep -iE '^pulumi' | tr 'A-Z_' 'a-z-' | sort > $(FLOORS_VENV)/installed.txt
	grep -v '^#' .ci/floors.txt | tr 'A-Z_' 'a-z-' | sort | diff - $(FLOORS_VENV)/installed.txt
	$(FLOORS_VENV)/bin/pytest -n 2 -p no:cacheprovider tests/components tests/cli tests/plan tests/policies tests/test_resource_identity.py

bench: setup
	$(BIN)/python bench/cost_scenarios.py
	$(BIN)/python bench/plan_speed.py

bench-player: browser-deps
	$(BIN)/python bench/player_latency.py

clean:
	rm -rf $(VENV) $(FLOORS_VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis dist build *.egg-info
