"""`livestream plan --against PREVIOUS.json [--fail-on replace]`: compare with an earlier plan, fail CI on replacements."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from livestream import cli
from livestream.cli import plan

ROOT = Path(__file__).resolve().parents[2]
STREAM_KEY_PLAINTEXT = "x" * 16  # the mock engine's RandomPassword result: a secret output


def run_main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def project(tmp_path: Path, **channel_changes: Any) -> Path:
    """A copy of this repository's program with dev's `main` channel changed."""
    folder = tmp_path / "project"
    folder.mkdir(exist_ok=True)
    for name in ("__main__.py", "Pulumi.yaml"):
        shutil.copy(ROOT / name, folder / name)
    stack = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())
    stack["config"]["livestream:channels"]["main"].update(channel_changes)
    (folder / "Pulumi.dev.yaml").write_text(yaml.safe_dump(stack))
    return folder


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plans") / "dev.json"
    path.write_text(plan.render(plan.build(ROOT, "dev"), "json"))
    return path


def test_the_json_plan_carries_inputs_and_options_without_secrets(previous: Path) -> None:
    document = json.loads(previous.read_text())
    channel = next(r for r in document["resources"] if r["type"] == "aws:medialive/channel:Channel")
    assert channel["inputs"]["channelClass"] == "SINGLE_PIPELINE"
    assert channel["options"]["deleteBeforeReplace"] is True
    ingest = next(r for r in document["resources"] if r["type"] == "aws-native:medialive:Input")
    assert "type" in ingest["options"]["replaceOnChanges"]
    assert {d["streamName"] for d in ingest["inputs"]["destinations"]} == {"[secret]"}
    assert STREAM_KEY_PLAINTEXT not in previous.read_text()
    assert {"resources", "violations", "cost", "latency", "exports"} <= set(document)  # the contract keys stay


def test_the_same_plan_has_no_changes(previous: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(
        capsys, "plan", "dev", "--project", str(ROOT), "--json", "--against", str(previous), "--fail-on", "replace"
    )
    document = json.loads(out)
    assert code == 0
    assert document["changes"]["changes"] == [] and document["changes"]["counts"]["replace"] == 0


def test_fail_on_replace_reports_a_pipeline_upgrade(previous: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    changed = project(tmp_path, pipeline="STANDARD")
    code, out, _ = run_main(capsys, "plan", "dev", "--project", str(changed), "--against", str(previous), "--fail-on", "replace")
    assert code == 1
    assert "replace  aws:medialive/channel:Channel live-dev-main-channel" in out
    assert "why: channelClass changed: ForceNew in terraform-provider-aws" in out
    assert "new channel id" in out
    assert "--fail-on replace: 1 change(s): replace aws:medialive/channel:Channel live-dev-main-channel" in out


def test_fail_on_decides_the_exit_status(previous: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    changed = project(tmp_path, ingest={"protocol": "srt", "allowedCidrs": ["0.0.0.0/0"], "allowPublic": True})
    code, out, _ = run_main(capsys, "plan", "dev", "--project", str(changed), "--json", "--against", str(previous))
    document = json.loads(out)
    assert (code, document["summary"]["mandatoryViolations"]) == (0, 0)  # without --fail-on the plan only reports
    assert document["changes"]["counts"]["delete"] >= 1
    code, out, _ = run_main(
        capsys, "plan", "dev", "--project", str(changed), "--json", "--against", str(previous), "--fail-on", "delete"
    )
    assert code == 1 and json.loads(out)["summary"]["failingChanges"] >= 1
    code, _, _ = run_main(capsys, "plan", "dev", "--project", str(changed), "--against", str(previous), "--fail-on", "replace")
    assert code == 0  # a protocol switch deletes and creates, it replaces nothing


def test_usage_and_file_errors_exit_2(previous: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(capsys, "plan", "dev", "--project", str(ROOT), "--fail-on", "replace")
    assert code == 2 and "--fail-on needs --against" in err
    not_json = tmp_path / "plan.txt"
    not_json.write_text("Resources: 63")
    code, _, err = run_main(capsys, "plan", "dev", "--project", str(ROOT), "--against", str(not_json))
    assert code == 2 and "is not JSON" in err
    old = tmp_path / "old.json"
    document = json.loads(previous.read_text())
    document["resources"] = [{k: v for k, v in r.items() if k not in ("inputs", "options")} for r in document["resources"]]
    old.write_text(json.dumps(document))
    code, _, err = run_main(capsys, "plan", "dev", "--project", str(ROOT), "--against", str(old))
    assert code == 2 and "written by an older livestream" in err


def test_a_stream_key_kept_as_a_config_secret_plans_and_is_never_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ciphertext = "v1:AAAAkeptstreamkeyciphertext"
    changed = project(
        tmp_path,
        ingest={"protocol": "rtmp", "allowedCidrs": ["0.0.0.0/0"], "allowPublic": True, "streamKey": {"secure": ciphertext}},
    )
    code, out, err = run_main(capsys, "plan", "dev", "--project", str(changed), "--json")
    document = json.loads(out)
    assert code == 0, err
    assert not [r for r in document["resources"] if r["name"].endswith("-stream-key")]  # the supplied key, none generated
    assert ciphertext not in out
