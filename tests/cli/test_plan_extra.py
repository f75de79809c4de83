"""`livestream plan` without the `plan` extra says how to install it, instead of a traceback.

scripts/check-wheel shows the same on a real base-only install of the wheel.
"""

from __future__ import annotations

import subprocess
import sys

import pytest


def main_without(absent: str, argv: list[str]) -> subprocess.CompletedProcess[str]:
    """Run `livestream ARGV` in a fresh interpreter where the module `absent` cannot be imported."""
    code = (
        f"import sys; sys.modules[{absent!r}] = None  # as if not installed\n"
        f"from livestream.cli import main; sys.exit(main({argv!r}))"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


@pytest.mark.parametrize("absent", ["yaml", "pulumi_policy", "jsonschema"])
def test_plan_without_the_extra_names_the_install_command(absent: str) -> None:
    result = main_without(absent, ["plan", "dev"])
    assert result.returncode == 2
    assert f"missing: {absent}" in result.stderr
    assert "pip install 'livestream[plan]'" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
