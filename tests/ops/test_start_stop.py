"""`livestream start | stop` against moto: the manual-start tags, waiting, idempotence, clear errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from livestream.cli import main
from tests.ops.conftest import REGION, Deployed, Hooks, client, not_found


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def state(deployed: Deployed) -> str:
    return str(client("medialive").describe_channel(ChannelId=deployed.channel_id)["State"])


def test_start_tags_the_channel_as_a_manual_start_before_starting_it(deployed: Deployed, aws_hooks: Hooks, capsys: Any) -> None:
    aws_hooks.answers["CreateTags"] = lambda params, region: {}  # moto's MediaLive has no CreateTags
    code, out, err = run(capsys, "start", "main", "--outputs", str(deployed.outputs_path), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert (result["before"], result["state"], result["changed"], result["reached"]) == ("IDLE", "RUNNING", True, True)
    names = aws_hooks.names()
    assert names.index("CreateTags") < names.index("StartChannel")
    (tagged,) = aws_hooks.params("CreateTags")
    assert deployed.channel_arn.replace(":", "%3A") in tagged["url_path"] or deployed.channel_arn in tagged["url_path"]
    tags = tagged["tags"]
    assert tags["livestream:started-by"] == "manual"
    started_at = datetime.strptime(tags["livestream:started-at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - started_at) < timedelta(minutes=1)
    assert state(deployed) == "RUNNING"
    assert "main: RUNNING" in err  # progress on stderr


def test_start_is_idempotent_and_keeps_the_first_starters_tags(deployed: Deployed, aws_hooks: Hooks, capsys: Any) -> None:
    aws_hooks.answers["CreateTags"] = lambda params, region: {}
    assert run(capsys, "start", "main", "--outputs", str(deployed.outputs_path))[0] == 0
    aws_hooks.calls.clear()
    code, out, _ = run(capsys, "start", "main", "--outputs", str(deployed.outputs_path))
    assert code == 0
    assert "unchanged" in out
    assert "StartChannel" not in aws_hooks.names() and "CreateTags" not in aws_hooks.names()


def test_a_refused_tag_is_reported_and_the_start_goes_on(deployed: Deployed, capsys: Any) -> None:
    # moto answers CreateTags with 404, as an IAM policy without medialive:CreateTags would refuse it.
    code, out, _ = run(capsys, "start", "main", "--outputs", str(deployed.outputs_path))
    assert code == 0
    assert "could not tag the start as manual" in out
    assert state(deployed) == "RUNNING"


def test_stop_waits_for_idle_and_is_idempotent(deployed: Deployed, capsys: Any) -> None:
    client("medialive").start_channel(ChannelId=deployed.channel_id)
    code, out, _ = run(capsys, "stop", "main", "--outputs", str(deployed.outputs_path), "--json")
    assert code == 0
    assert json.loads(out)["state"] == "IDLE" and json.loads(out)["changed"] is True
    code, out, _ = run(capsys, "stop", "main", "--outputs", str(deployed.outputs_path), "--json")
    assert (code, json.loads(out)["changed"]) == (0, False)


def test_no_wait_returns_after_the_request(deployed: Deployed, aws_hooks: Hooks, capsys: Any) -> None:
    code, _, _ = run(capsys, "start", "main", "--outputs", str(deployed.outputs_path), "--no-wait", "--json")
    assert code == 0
    assert aws_hooks.names().count("DescribeChannel") == 2  # before StartChannel, and once after it: no polling


def test_a_channel_that_never_reaches_running_fails_after_the_timeout(deployed: Deployed, aws_hooks: Hooks, capsys: Any) -> None:
    starting = {"Id": deployed.channel_id, "Arn": deployed.channel_arn, "State": "STARTING", "ChannelClass": "SINGLE_PIPELINE"}
    client("medialive").start_channel(ChannelId=deployed.channel_id)
    aws_hooks.answers["DescribeChannel"] = lambda params, region: starting
    code, out, _ = run(
        capsys, "start", "main", "--outputs", str(deployed.outputs_path), "--timeout", "0.3", "--poll", "0.1", "--json"
    )
    assert code == 1
    result = json.loads(out)
    assert result["state"] == "STARTING" and result["reached"] is False
    assert aws_hooks.names().count("DescribeChannel") >= 3  # it polled


def test_unknown_channel_lists_the_known_ones(deployed: Deployed, capsys: Any) -> None:
    code, _, err = run(capsys, "start", "studio", "--outputs", str(deployed.outputs_path))
    assert code == 2
    assert "unknown channel 'studio'" in err and "main" in err


def test_missing_credentials_are_a_clear_error(
    deployed: Deployed, capsys: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    code, _, err = run(capsys, "status", "--outputs", str(deployed.outputs_path))
    assert code == 2
    assert "no AWS credentials found" in err and "hint:" in err


def test_a_wrong_region_names_the_stacks_region(deployed: Deployed, aws_hooks: Hooks, capsys: Any) -> None:
    # MediaLive ids are regional: AWS answers NotFoundException elsewhere (moto fails with a 500).
    aws_hooks.answers["DescribeChannel"] = lambda params, region: None if region == REGION else not_found("DescribeChannel")
    code, _, err = run(capsys, "stop", "main", "--outputs", str(deployed.outputs_path), "--region", "eu-west-1")
    assert code == 2
    assert "does not exist in region eu-west-1" in err
    assert "the stack is in ap-northeast-2" in err


def test_outputs_are_required(capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    code, _, err = run(capsys, "status")
    assert code == 2
    assert "no --outputs FILE" in err
