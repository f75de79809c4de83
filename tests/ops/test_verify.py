"""`livestream verify` against moto plus local origin/CDN stand-ins: every check passes on a sound
deployment, and each fails, saying what to do, when its part is broken."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from livestream.cli import main
from livestream.components.packager import egress_policy
from livestream.ops.verify import policy_names_distribution
from tests.ops.conftest import ACCOUNT, REGION, Deployed, Hooks, client

DISTRIBUTION_ARN = f"arn:aws:cloudfront::{ACCOUNT}:distribution/ELIVEDEVCDNDI"


def endpoint_policy(distribution_arn: str) -> Any:
    """GetOriginEndpointPolicy's answer holding the policy the Packager component attaches (moto has none)."""

    def answer(params: dict[str, Any], region: str) -> dict[str, Any]:
        endpoint_arn = f"arn:aws:mediapackagev2:{region}:{ACCOUNT}:channelGroup/live-dev/channel/main/originEndpoint/x"
        return {"Policy": json.dumps(egress_policy(endpoint_arn, distribution_arn))}

    return answer


def verify(capsys: pytest.CaptureFixture[str], deployed: Deployed) -> tuple[int, dict[str, dict[str, str]]]:
    code = main(["verify", "--outputs", str(deployed.outputs_path), "--json"])
    document = json.loads(capsys.readouterr().out)
    return code, {c["check"]: c for c in document["checks"]}


@pytest.fixture
def sound(aws_hooks: Hooks) -> Hooks:
    aws_hooks.answers["GetOriginEndpointPolicy"] = endpoint_policy(DISTRIBUTION_ARN)
    return aws_hooks


def test_a_sound_deployment_passes_every_check(deployed: Deployed, sound: Hooks, capsys: Any) -> None:
    code, checks = verify(capsys, deployed)
    assert code == 0, [c for c in checks.values() if c["status"] == "fail"]
    assert checks["channel main: state and input"]["status"] == "pass"
    assert checks["origin main/hls refuses a direct request"]["detail"] == "HTTP 403"
    assert checks["origin main/dash refuses a direct request"]["status"] == "pass"
    assert "idle" in checks["CDN serves main/hls"]["detail"]  # 404 through the CDN while idle
    assert checks["endpoint policy main/hls names the distribution"]["detail"] == DISTRIBUTION_ARN
    exported = sum(len(names) for names in deployed.outputs["alarmNames"].values())  # the dev plan's own export
    assert exported >= 5 and checks["alarms exist"]["detail"] == f"{exported} alarms"
    assert checks["no alarm in ALARM"]["status"] == "pass"
    assert checks["budget exists"]["status"] == "pass"
    assert {n for n in checks if n.startswith("schedule ")} == {
        f"schedule live-dev-scheduler-{k}" for k in ("start", "stop", "idle-stop")
    }
    assert "Asia/Seoul" in checks["schedule live-dev-scheduler-start"]["detail"]
    assert checks["CDN serves the player page"]["detail"] == "HTTP 200"
    assert checks["alarm metrics exist"]["status"] == "skip"  # no broadcast yet
    assert not any(n.startswith("metrics of ") for n in checks)
    # A read-only command: nothing was started, stopped or written.
    assert not {"StartChannel", "StopChannel", "CreateTags", "PutMetricAlarm"} & set(sound.names())


def test_the_cdn_must_serve_a_running_channels_manifest(deployed: Deployed, sound: Hooks, capsys: Any) -> None:
    client("medialive").start_channel(ChannelId=deployed.channel_id)
    code, checks = verify(capsys, deployed)
    assert code == 1
    assert checks["CDN serves main/hls"]["status"] == "fail" and checks["CDN serves main/hls"]["detail"] == "HTTP 404"
    for kind, body in (("hls", "#EXTM3U\n"), ("dash", "<MPD/>")):
        manifest = deployed.cdn_folder / deployed.outputs["playbackUrls"]["main"][kind].split("/", 3)[3]
        manifest.parent.mkdir(parents=True)
        manifest.write_text(body)
    code, checks = verify(capsys, deployed)
    assert code == 0 and checks["CDN serves main/hls"]["detail"] == "HTTP 200"


def test_an_origin_that_answers_viewers_fails(deployed: Deployed, sound: Hooks, capsys: Any) -> None:
    deployed.write(originUrls=deployed.outputs["playbackUrls"])  # a "packager" that serves anyone
    code, checks = verify(capsys, deployed)
    assert code == 1
    check = checks["origin main/hls refuses a direct request"]
    assert check["status"] == "fail" and "endpoint policy" in check["fix"]


def test_an_endpoint_policy_for_another_distribution_fails(deployed: Deployed, aws_hooks: Hooks, capsys: Any) -> None:
    aws_hooks.answers["GetOriginEndpointPolicy"] = endpoint_policy(f"arn:aws:cloudfront::{ACCOUNT}:distribution/EOTHER")
    code, checks = verify(capsys, deployed)
    assert code == 1
    assert checks["endpoint policy main/hls names the distribution"]["status"] == "fail"


def test_moto_has_no_endpoint_policies_and_verify_says_it_cannot_read_them(deployed: Deployed, capsys: Any) -> None:
    code, checks = verify(capsys, deployed)
    assert code == 1
    assert checks["endpoint policy main/hls names the distribution"]["detail"].startswith("cannot read it")


def test_policy_reading_follows_the_packager_document() -> None:
    policy = egress_policy("arn:aws:mediapackagev2:r:1:channelGroup/g/channel/c/originEndpoint/hls", DISTRIBUTION_ARN)
    assert policy_names_distribution(json.dumps(policy), DISTRIBUTION_ARN)
    assert not policy_names_distribution(policy, DISTRIBUTION_ARN.replace("ELIVE", "EOTHER"))
    public = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "mediapackagev2:GetObject"}]}
    assert not policy_names_distribution(public, DISTRIBUTION_ARN)


def test_missing_and_firing_alarms_fail(deployed: Deployed, sound: Hooks, capsys: Any) -> None:
    missing = deployed.outputs["alarmNames"][REGION][0]
    firing = deployed.outputs["alarmNames"]["us-east-1"][1]
    client("cloudwatch").delete_alarms(AlarmNames=[missing])
    client("cloudwatch", "us-east-1").set_alarm_state(AlarmName=firing, StateValue="ALARM", StateReason="test")
    code, checks = verify(capsys, deployed)
    assert code == 1
    assert checks["alarms exist"]["detail"] == f"missing: {missing}"
    assert checks["no alarm in ALARM"]["detail"] == firing


def test_a_schedule_in_the_wrong_timezone_fails(deployed: Deployed, sound: Hooks, capsys: Any) -> None:
    scheduler = client("scheduler")
    group = deployed.outputs["scheduleGroupName"]
    current = scheduler.get_schedule(Name="live-dev-scheduler-start", GroupName=group)
    scheduler.update_schedule(
        Name="live-dev-scheduler-start",
        GroupName=group,
        ScheduleExpression=current["ScheduleExpression"],
        ScheduleExpressionTimezone="UTC",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target=current["Target"],
    )
    code, checks = verify(capsys, deployed)
    assert code == 1
    assert "expected timezone Asia/Seoul" in checks["schedule live-dev-scheduler-start"]["fix"]


def test_a_missing_budget_fails(deployed: Deployed, sound: Hooks, capsys: Any) -> None:
    client("budgets", "us-east-1").delete_budget(AccountId=ACCOUNT, BudgetName=deployed.outputs["budgetName"])
    code, checks = verify(capsys, deployed)
    assert code == 1 and checks["budget exists"]["status"] == "fail"


def test_after_a_broadcast_every_metric_an_alarm_reads_must_exist(deployed: Deployed, sound: Hooks, capsys: Any) -> None:
    """Datapoints for every alarm's metric except one: that alarm's check fails (it could never fire)."""
    now = datetime.now(UTC)
    alarms = {}
    for region in deployed.outputs["alarmNames"]:
        for alarm in client("cloudwatch", region).describe_alarms()["MetricAlarms"]:
            alarms[alarm["AlarmName"]] = (region, alarm)
    never = next(name for name in alarms if name.endswith("dropped-frames-0a1b2c3"))
    for name, (region, alarm) in alarms.items():
        if name == never:
            continue
        queried = [q["MetricStat"]["Metric"] for q in alarm.get("Metrics", []) if "MetricStat" in q] or [alarm]
        for metric in queried:
            client("cloudwatch", region).put_metric_data(
                Namespace=metric["Namespace"],
                MetricData=[
                    {"MetricName": metric["MetricName"], "Dimensions": metric["Dimensions"], "Timestamp": now, "Value": 0.0}
                ],
            )
    code, checks = verify(capsys, deployed)
    assert code == 1
    assert checks[f"metrics of {never}"]["status"] == "fail" and "DroppedFrames" in checks[f"metrics of {never}"]["detail"]
    assert all(checks[f"metrics of {name}"]["status"] == "pass" for name in alarms if name != never)


def test_text_output_says_what_to_do(deployed: Deployed, capsys: Any) -> None:
    assert main(["verify", "--outputs", str(deployed.outputs_path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL  endpoint policy main/hls names the distribution" in out
    assert "-> run `pulumi up`" in out
    assert "checks:" in out.splitlines()[-1]


def test_the_player_page_is_checked_when_the_stack_has_one(deployed: Deployed, sound: Hooks, capsys: Any) -> None:
    deployed.write(playerUrl=deployed.cdn_url + "/index.html")
    (deployed.cdn_folder / "index.html").unlink(missing_ok=True)
    code, checks = verify(capsys, deployed)
    assert code == 1 and checks["CDN serves the player page"]["detail"] == "HTTP 404"
    (deployed.cdn_folder / "index.html").write_text("<!doctype html><title>live</title>")
    code, checks = verify(capsys, deployed)
    assert code == 0 and checks["CDN serves the player page"]["status"] == "pass"
