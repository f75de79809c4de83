"""Every deployed resource keeps its identity: (type, name) of each resource in the dev and prod plans
equals the recorded snapshot. A refactor must not rename or drop a resource (Pulumi would replace it).

Adding a resource on purpose: regenerate with `UPDATE_SNAPSHOTS=1 pytest tests/test_resource_identity.py`
and review the diff. Removing or renaming one is a replacement in a live stack: see the README's
"changing a live platform" section before doing it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import run_stack

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


def identities(stack: str) -> list[list[str]]:
    plan = run_stack(stack)
    return sorted([r.type, r.name] for r in plan.resources)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_resource_types_and_names_match_the_snapshot(stack: str) -> None:
    path = SNAPSHOTS / f"{stack}.resources.json"
    current = identities(stack)
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(json.dumps(current, indent=1) + "\n")
    recorded = json.loads(path.read_text())
    missing = [tuple(r) for r in recorded if r not in current]
    added = [tuple(r) for r in current if r not in recorded]
    assert (missing, added) == ([], []), "resource identities changed; see this module's docstring"
