"""Shared fixtures: the real program run offline for each stack, and helpers to vary its config."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from livestream.plan import engine as offline

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def stack_config(stack: str) -> dict[str, Any]:
    """The stack file's config with fully qualified keys, as `livestream plan` reads it."""
    _, values, _ = offline.stack_config(ROOT, stack)
    return copy.deepcopy(values)


def run_stack(stack: str = "dev", **overrides: Any) -> offline.Plan:
    """Run the real __main__.py with the stack's config, some `livestream:` keys replaced."""
    config = stack_config(stack)
    for key, value in overrides.items():
        config[f"livestream:{key}"] = value
    return offline.run(ROOT, stack, config=config)


def archive_bucket(plan: offline.Plan) -> offline.PlannedResource:
    return next(r for r in plan.of_type("aws:s3/bucket:Bucket") if r.name.endswith("-archive-bucket"))


@pytest.fixture(scope="session")
def dev_plan() -> offline.Plan:
    return offline.run(ROOT, "dev")


@pytest.fixture(scope="session")
def prod_plan() -> offline.Plan:
    return offline.run(ROOT, "prod")
