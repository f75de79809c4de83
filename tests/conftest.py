"""Shared fixtures: the real program run offline for each stack, and helpers to vary its config.

One offline run per program and config: about 200 tests plan the same few stacks (the CLI tests
plan dev again and again), and a run costs ~0.3 s of CPU. Within a test session the program, the
package and the config decide the plan, so every test gets its own copy of the first run's plan.
A test that re-runs on purpose (the engine registers concurrently; a plan must not depend on
which thread finishes first) or patches what a run reaches is marked `fresh_plans`.
"""

from __future__ import annotations

import copy
import functools
import gc
import json
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import boto3
import botocore.session
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


_REAL_RUN = offline.run
_PLANS: dict[tuple[Any, ...], bytes] = {}


def _program_files(project_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """The project's own files (program, project and stack files), so a test that rewrites one gets a new run."""
    return tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in project_dir.iterdir() if p.is_file()))


def _run_once(project_dir: str | Path = ".", stack: str = "dev", config: Mapping[str, Any] | None = None) -> offline.Plan:
    directory = Path(project_dir).resolve()
    key = (
        str(directory),
        stack,
        None if config is None else json.dumps(config, sort_keys=True, default=repr),
        _program_files(directory),
        os.environ.get("AWS_REGION"),
        os.environ.get("AWS_DEFAULT_REGION"),
    )
    if key not in _PLANS:
        _PLANS[key] = pickle.dumps(_REAL_RUN(project_dir, stack, config))  # a failed run raises and is not kept
    plan: offline.Plan = pickle.loads(_PLANS[key])  # a copy: tests may change what they get
    return plan


@pytest.fixture(autouse=True)
def _one_run_per_program(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.node.get_closest_marker("fresh_plans") is None:
        monkeypatch.setattr(offline, "run", _run_once)


@pytest.fixture(autouse=True, scope="session")
def _one_botocore_model_loader() -> Iterator[None]:
    """moto gives every test a new boto3 session, and every session re-reads the service models it
    uses (MediaLive's JSON alone is megabytes): the session's sessions share one loader instead.
    The models are read-only data, so what a client does is unchanged."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.session, "create_loader", functools.cache(botocore.session.create_loader))
        yield


def main_without(absent: str, argv: list[str]) -> subprocess.CompletedProcess[str]:
    """Run `livestream ARGV` in a fresh interpreter where the module `absent` cannot be imported."""
    code = (
        f"import sys; sys.modules[{absent!r}] = None  # as if not installed\n"
        f"from livestream.cli import main; sys.exit(main({argv!r}))"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def aws_client(service: str, region: str) -> Any:
    """A test's own boto3 client, kept for the session per service, region and endpoint: moto intercepts
    every client made after its import, whichever `mock_aws` is active (or serves the AWS_ENDPOINT_URL
    the ops tests set), the tests all use the same fake credentials, and making a client costs more
    than most calls."""
    return _aws_client(service, region, os.environ.get("AWS_ENDPOINT_URL"))


@functools.cache
def _aws_client(service: str, region: str, endpoint: str | None) -> Any:
    return boto3.client(service, region_name=region, endpoint_url=endpoint)


_FREEZE_AFTER_NEW_MODULES = 300
_modules_at_last_freeze = [0]


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Freeze what a worker has imported once a wave of imports is over (gc.freeze).

    A worker imports the Pulumi SDK and the providers' modules, moto's backends and botocore's models
    as tests first need them, and they live until the worker ends: several hundred thousand objects
    that every full collection of the cyclic garbage collector walked again (about 3 s of CPU per
    worker). Frozen, they are left out of later collections; what the tests create is still collected.
    """
    if len(sys.modules) - _modules_at_last_freeze[0] >= _FREEZE_AFTER_NEW_MODULES:
        gc.collect()
        gc.freeze()
        _modules_at_last_freeze[0] = len(sys.modules)
