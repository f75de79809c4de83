"""An offline run leaves nothing behind: a test session or a CI job runs hundreds of plans in one process."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from livestream.plan import engine as offline
from tests.conftest import ROOT

pytestmark = pytest.mark.fresh_plans  # these count what real runs leave behind


def test_a_run_leaves_no_thread_behind() -> None:
    offline.run(ROOT, "dev")  # the SDK's imports and first-run caches
    before = {t.ident for t in threading.enumerate()}
    for _ in range(3):
        offline.run(ROOT, "dev")
    assert {t.ident for t in threading.enumerate()} - before == set()


def test_a_program_error_leaves_no_thread_behind(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: broken\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n")
    (tmp_path / "__main__.py").write_text("import pulumi_aws as aws\naws.s3.Bucket('b')\nraise ValueError('boom')\n")
    before = {t.ident for t in threading.enumerate()}
    for _ in range(2):
        try:
            offline.run(tmp_path, "dev", config={"aws:region": "ap-northeast-2"})
        except offline.ProgramError as error:
            assert "boom" in str(error)
    assert {t.ident for t in threading.enumerate()} - before == set()
