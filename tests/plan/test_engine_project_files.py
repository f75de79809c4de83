"""The offline engine reads Pulumi.yaml and the stack file as `pulumi` does, and names a broken one."""

from __future__ import annotations

from pathlib import Path

import pytest

from livestream.plan import engine as offline

PROJECT = "name: studio\nruntime: python\nconfig:\n  livestream:segmentSeconds:\n    default: 4\n"


def project(tmp_path: Path, stack_file: str) -> Path:
    (tmp_path / "Pulumi.yaml").write_text(PROJECT)
    (tmp_path / "Pulumi.dev.yaml").write_text(stack_file)
    return tmp_path


def test_the_stack_file_is_read_with_yaml_types_and_the_project_defaults(tmp_path: Path) -> None:
    stack_file = """config:
  aws:region: ap-northeast-2
  studio:ladder: &rungs [1080p, 720p]
  studio:backupLadder: *rungs
  studio:note: |
    two
    lines
  studio:archive:
    enabled: yes
    expireDays: 30
"""
    name, values, secret = offline.stack_config(project(tmp_path, stack_file), "dev")
    assert name == "studio" and secret == set()
    assert values == {
        "livestream:segmentSeconds": 4,
        "aws:region": "ap-northeast-2",
        "studio:ladder": ["1080p", "720p"],
        "studio:backupLadder": ["1080p", "720p"],
        "studio:note": "two\nlines\n",
        "studio:archive": {"enabled": True, "expireDays": 30},
    }


def test_a_stack_file_that_is_not_yaml_is_named_with_the_line_at_fault(tmp_path: Path) -> None:
    directory = project(tmp_path, "config:\n  aws:region: [ap-northeast-2\n  studio:name: live\n")
    with pytest.raises(offline.ProgramError) as failure:
        offline.stack_config(directory, "dev")
    message = str(failure.value)
    assert message.startswith(f"{directory / 'Pulumi.dev.yaml'} is not valid YAML: ")
    assert "line 2" in message and "aws:region: [ap-northeast-2" in message  # the line itself, quoted
