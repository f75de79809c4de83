"""`livestream plan` without the `plan` extra says how to install it, instead of a traceback.

scripts/check-wheel shows the same on a real base-only install of the wheel.
"""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("absent", ["yaml", "pulumi_policy", "jsonschema"])
def test_plan_without_the_extra_names_the_install_command(absent: str) -> None:
    code = (
        f"import sys; sys.modules[{absent!r}] = None  # as if not installed\n"
        "from livestream.cli import main; sys.exit(main(['plan', 'dev']))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 2
    assert f"missing: {absent}" in result.stderr
    assert "pip install 'livestream[plan]'" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
