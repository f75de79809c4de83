"""The type check still reads the providers' typed `*Args`, though it skips their package roots.

pyproject.toml tells mypy not to follow `pulumi_aws` and `pulumi_aws_native` themselves (their
`__init__` imports every AWS service: 137 s and 4.2 GB cold). Two things keep that safe:
- the components reach the providers only through `livestream/components/aws.py` and
  `aws_native.py`, which import single service submodules the checker does read;
- a probe written like component code, with a missing required field, is an error.
"""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROVIDERS = ("pulumi_aws", "pulumi_aws_native")
GATEWAYS = {ROOT / "livestream/components/aws.py", ROOT / "livestream/components/aws_native.py"}

PROBE = """
from livestream.components import aws, aws_native

ok = aws.medialive.ChannelEncoderSettingsArgs(
    output_groups=[], timecode_config=aws.medialive.ChannelEncoderSettingsTimecodeConfigArgs(source="SYSTEMCLOCK")
)
missing = aws.medialive.ChannelEncoderSettingsArgs(output_groups=[])
native_missing = aws_native.mediapackagev2.ChannelArgs(channel_name="main")
"""


def is_submodule(package: str, name: str) -> bool:
    spec = importlib.util.find_spec(package)  # finds the package without importing it
    assert spec is not None and spec.submodule_search_locations, package
    folder = Path(next(iter(spec.submodule_search_locations)))
    return (folder / f"{name}.py").is_file() or (folder / name / "__init__.py").is_file()


def provider_imports(path: Path) -> list[tuple[str, str | None]]:
    """(provider module, imported name) for each import of a provider in the file."""
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(a.name, None) for a in node.names if a.name.split(".")[0] in PROVIDERS]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PROVIDERS:
            found += [(node.module, a.name) for a in node.names]
    return found


def test_components_reach_the_providers_only_through_the_gateway_modules() -> None:
    for path in sorted((ROOT / "livestream").rglob("*.py")):
        imports = provider_imports(path)
        if path not in GATEWAYS:
            assert not imports, f"{path.relative_to(ROOT)} imports {imports}; use `from livestream.components import aws`"
            continue
        for module, name in imports:
            assert name is not None, f"{path.name}: `import {module}` makes the type checker read every service"
            if module in PROVIDERS:  # `from pulumi_aws import s3`: a service submodule, never a package-level name
                assert is_submodule(module, name), f"{path.name}: {module}.{name} is not a submodule"


def test_a_missing_required_field_is_a_type_error(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), str(probe)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert result.returncode == 1, result.stdout + result.stderr
    assert len(errors) == 2, errors  # the complete call passes; the two incomplete ones fail
    assert 'Missing named argument "timecode_config" for "ChannelEncoderSettingsArgs"' in errors[0]
    assert 'Missing named argument "channel_group_name" for "ChannelArgs"' in errors[1]
