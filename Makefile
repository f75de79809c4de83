# Two commands for a newcomer: `make plan` (offline plan of the dev stack) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup plan test lint typecheck unit wheel bench clean browser-deps test-browser bench-player

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

plan: setup
	$(BIN)/livestream plan dev

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/pytest -n 2 -m "not browser"

# The player page in headless Chromium (tests/browser): Playwright from PyPI, Chromium and ffmpeg
# from the system (apt when root), else Playwright's download / the imageio-ffmpeg wheel.
BROWSER_STAMP := $(VENV)/.browser-stamp
$(BROWSER_STAMP): $(STAMP) scripts/browser-deps
	$(BIN)/python -m pip install --quiet -e '.[browser]'
	./scripts/browser-deps $(BIN)
	touch $(BROWSER_STAMP)

browser-deps: $(BROWSER_STAMP)

test-browser: browser-deps
	$(BIN)/pytest -m browser -p no:xdist

wheel: setup
	./scripts/check-wheel

test: lint typecheck unit wheel test-browser

bench: setup
	$(BIN)/python bench/cost_scenarios.py
	$(BIN)/python bench/plan_speed.py

bench-player: browser-deps
	$(BIN)/python bench/player_latency.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache dist build *.egg-info
