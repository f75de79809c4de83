# Two commands for a newcomer: `make plan` (offline plan of the dev stack) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup plan test test-floors lint typecheck unit wheel bench clean

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

# The plan tests on the lowest versions pyproject.toml allows (.ci/floors.txt pins them), in a
# second venv: about 6 minutes here (mostly installing), so .ci/run runs it after `make test`.
FLOORS_VENV ?= .venv-floors
test-floors:
	$(PYTHON) -m venv $(FLOORS_VENV)
	$(FLOORS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(FLOORS_VENV)/bin/python -m pip install --quiet -c .ci/floors.txt -e '.[dev]'
	$(FLOORS_VENV)/bin/python -m pip list --format=freeze | grep -iE '^pulumi' > $(FLOORS_VENV)/installed.txt
	grep -v '^#' .ci/floors.txt | tr 'A-Z_' 'a-z-' | sort > $(FLOORS_VENV)/wanted.txt
	tr 'A-Z_' 'a-z-' < $(FLOORS_VENV)/installed.txt | sort | diff $(FLOORS_VENV)/wanted.txt -
	$(FLOORS_VENV)/bin/pytest -n 2 -p no:cacheprovider tests/components tests/cli tests/plan tests/policies tests/test_resource_identity.py

bench: setup
	$(BIN)/python bench/cost_scenarios.py
	$(BIN)/python bench/plan_speed.py

clean:
	rm -rf $(VENV) $(FLOORS_VENV) .pytest_cache .mypy_cache .ruff_cache dist build *.egg-info
