# Two commands for a newcomer: `make plan` (offline plan of the dev stack) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup plan test lint typecheck unit wheel bench clean

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
	$(BIN)/pytest -n 2

wheel: setup
	./scripts/check-wheel

test: lint typecheck unit wheel

bench: setup
	$(BIN)/python bench/cost_scenarios.py
	$(BIN)/python bench/plan_speed.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache dist build *.egg-info
