"""Declared dependency floors are tested floors (issue 12, point 9).

`make test-floors` (run by `.ci/run`) installs the package with `.ci/floors.txt` as constraints and
runs the plan tests against exactly these versions. This test keeps the file and pyproject.toml
saying the same thing, and records why each floor is where it is.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOORS = ROOT / ".ci" / "floors.txt"

# Why each floor: the oldest release that has what the code uses (checked against the wheels on PyPI).
REASONS = {
    "pulumi-aws": "7.17.0: aws.lambda_.Runtime.PYTHON3D14 (the control function's runtime) first appears",
    "pulumi-aws-native": "1.83.0: pulumi_aws_native.medialive.Input (RTMP push and SRT listener ingest) first appears",
    "pulumi": "3.231.0: what pulumi-aws-native 1.83.0 requires (pulumi-policy 1.21.0 alone needs 3.204.0)",
    "pulumi-random": "4.16.0: RandomPassword/RandomId as used; the plan tests pass on it",
    "pulumi-policy": "1.21.0: the pack's API as used; the plan and policy tests pass on it",
}


def declared_floors() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project.get("optional-dependencies", {})
    dependencies = [*project["dependencies"], *(r for requirements in extras.values() for r in requirements)]
    floors = {}
    for requirement in dependencies:
        match = re.match(r"^([A-Za-z0-9_.-]+)\s*>=\s*([0-9][0-9.]*)", requirement)
        if match:
            floors[match.group(1).lower()] = match.group(2)
    return floors


def pinned() -> dict[str, str]:
    pins = {}
    for line in FLOORS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[name.strip().lower()] = version.strip()
    return pins


def same_version(a: str, b: str) -> bool:
    def parts(v: str) -> tuple[int, ...]:
        numbers = [int(p) for p in v.split(".")]
        return tuple(numbers + [0] * (3 - len(numbers)))

    return parts(a) == parts(b)


def test_every_pulumi_dependency_floor_is_pinned_for_the_floors_run() -> None:
    declared, pins = declared_floors(), pinned()
    for name in REASONS:
        assert name in declared, f"{name} has no >= floor in pyproject.toml"
        assert name in pins, f"{name} is not pinned in .ci/floors.txt"
        assert same_version(declared[name], pins[name]), (name, declared[name], pins[name])


def test_the_floors_are_at_least_what_the_code_needs() -> None:
    declared = declared_floors()
    needed = {name: reason.split(":", 1)[0] for name, reason in REASONS.items()}
    for name, version in needed.items():
        have = tuple(int(p) for p in declared[name].split("."))
        want = tuple(int(p) for p in version.split("."))
        assert have + (0,) * (3 - len(have)) >= want, f"{name}>={declared[name]} allows versions without: {REASONS[name]}"


def test_ci_runs_the_plan_tests_on_the_floors() -> None:
    assert "make test-floors" in (ROOT / ".ci" / "run").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "test-floors:" in makefile and ".ci/floors.txt" in makefile
