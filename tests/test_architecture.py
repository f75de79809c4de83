"""The folders are the architecture: these tests keep the dependency rules that the layout shows.

- `livestream/model/`, `livestream/cost/` and `livestream/wire/` are pure: no Pulumi, no components.
- Subcomponents in `livestream/components/` never import each other; `platform` wires them.
- `livestream/wire/` is the bottom layer: the standard library and itself only.
- Nothing imports `livestream.cli`.
- `livestream/functions/` runs alone in AWS Lambda: standard library and boto3 only.
- `livestream/ops/` (the operator's commands) works from stack outputs and boto3: no Pulumi, no components.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "livestream"
PURE_PACKAGES = ("model", "cost", "wire", "player")
SHARED_COMPONENT_HELPERS = {
    "args",
    "aws",
    "aws_native",
    "buckets",
    "dashboard",
    "iam",
    "lambdas",
    "live",
    "protection",
    "state_events",
    "tags",
}


def modules_in(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def dotted(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")


@pytest.mark.parametrize("folder", PURE_PACKAGES)
def test_pure_packages_import_neither_pulumi_nor_components(folder: str) -> None:
    for path in modules_in(folder):
        bad = {m for m in imported_modules(path) if m.split(".")[0] == "pulumi" or m.startswith("pulumi_")}
        bad |= {m for m in imported_modules(path) if m.startswith(("livestream.components", "livestream.plan", "livestream.cli"))}
        assert not bad, f"{dotted(path)} imports {sorted(bad)}"


def test_pure_packages_load_no_pulumi_at_run_time() -> None:
    names = sorted({dotted(p) for folder in PURE_PACKAGES for p in modules_in(folder)})
    code = f"import sys; import {', '.join(names)}; print(sorted(m for m in sys.modules if m.startswith('pulumi')))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


def test_subcomponents_do_not_import_each_other() -> None:
    components = {p.stem for p in modules_in("components")} - {"__init__", "platform"}
    subcomponents = components - SHARED_COMPONENT_HELPERS
    assert {"encoder", "packager", "cdn", "archive", "alarms", "scheduler"} <= subcomponents
    for part in subcomponents:
        imported = imported_modules(PACKAGE / "components" / f"{part}.py")
        others = {f"livestream.components.{o}" for o in subcomponents | {"platform"} if o != part}
        assert not others & imported, f"{part} imports {sorted(others & imported)}"


def test_nothing_outside_the_cli_imports_it() -> None:
    for path in PACKAGE.rglob("*.py"):
        if "cli" in path.relative_to(PACKAGE).parts:
            continue
        assert not {m for m in imported_modules(path) if m == "livestream.cli" or m.startswith("livestream.cli.")}, dotted(path)


def test_functions_import_only_the_standard_library_boto3_and_each_other() -> None:
    """A handler may use a sibling module of livestream/functions (its component ships both in one
    archive, where the sibling sits at the root), never the rest of the package."""
    siblings = {p.stem for p in modules_in("functions")} - {"__init__"}
    for path in modules_in("functions"):
        imported = imported_modules(path)
        roots = {m.split(".")[0] for m in imported} - {"livestream"}
        assert roots - set(sys.stdlib_module_names) <= {"boto3", "botocore"} | siblings, dotted(path)
        package = {m for m in imported if m.startswith("livestream")}
        assert package <= {"livestream.functions"} | {f"livestream.functions.{s}" for s in siblings}, dotted(path)


def test_wire_imports_only_the_standard_library_and_itself() -> None:
    for path in modules_in("wire"):
        outside = {m for m in imported_modules(path) if m.split(".")[0] not in sys.stdlib_module_names}
        assert {m for m in outside if not m.startswith("livestream.wire")} == set(), dotted(path)


def test_ops_imports_neither_pulumi_nor_components_nor_the_cli() -> None:
    assert modules_in("ops"), "livestream/ops/ holds the ops commands"
    for path in modules_in("ops"):
        imported = imported_modules(path)
        bad = {m for m in imported if m.split(".")[0] == "pulumi" or m.startswith("pulumi_")}
        bad |= {m for m in imported if m.startswith(("livestream.components", "livestream.plan", "livestream.cli"))}
        assert not bad, f"{dotted(path)} imports {sorted(bad)}"


def test_ops_loads_no_pulumi_at_run_time() -> None:
    names = sorted(dotted(p) for p in modules_in("ops"))
    code = f"import sys; import {', '.join(names)}; print(sorted(m for m in sys.modules if m.startswith('pulumi')))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


def test_policy_rules_import_only_the_pure_packages() -> None:
    """The pack judges any program's resources in wire format: never the component code, never the tooling."""
    pack = PACKAGE / "policypack"
    for path in sorted(pack.rglob("*.py")):
        ours = {m for m in imported_modules(path) if m.startswith("livestream.")}  # `from livestream import cost` too
        allowed = {m for m in ours if m.split(".")[1:2] and m.split(".")[1] in PURE_PACKAGES}
        assert ours == allowed, f"{path.relative_to(pack.parent)} imports {sorted(ours - allowed)}"
        roots = {m.split(".")[0] for m in imported_modules(path)} - set(sys.stdlib_module_names)
        assert roots <= {"livestream", "livestream_policies", "pulumi_policy", "pulumi"}, f"{path.name}: {sorted(roots)}"
