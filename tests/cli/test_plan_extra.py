"""`livestream plan` without the `plan` extra says how to install it, instead of a traceback.

scripts/check-wheel shows the same on a real base-only install of the wheel.
"""

from __future__ import annotations

import pytest

from tests.conftest import main_without


@pytest.mark.parametrize("absent", ["yaml", "pulumi_policy", "jsonschema"])
def test_plan_without_the_extra_names_the_install_command(absent: str) -> None:
    result = main_without(absent, ["plan", "dev"])
    assert result.returncode == 2
    assert f"missing: {absent}" in result.stderr
    assert "pip install 'livestream[plan]'" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
