"""A deployed dev stack, as far as moto can model one, for the ops commands.

- moto in server mode on a free local port; `AWS_ENDPOINT_URL` points every boto3 client at it.
- The outputs file is the dev program's real exports (the offline plan) with the ids moto gave the
  resources it created: the MediaLive input and channel (the dev SD ladder), the alarms named by
  `alarmNames` with their metrics, the budget, the schedule group and its Asia/Seoul schedules,
  the archive bucket.
- The packager origin and the CDN are local HTTP servers: the "origin" answers 403 to everything
  (as MediaPackage v2 answers an unsigned request), the "CDN" serves a folder.

What moto cannot model, and how the tests cover it (the code is written for real AWS either way):
- MediaLive has no CreateTags / ListTagsForResource (404): `aws_hooks` answers CreateTags and
  records the call, so the tests assert the contract's tags are sent before StartChannel.
- MediaLive moves STARTING -> RUNNING and STOPPING -> IDLE on the next DescribeChannel, leaves an
  attached input DETACHED, and gives input destinations no URL; it publishes no metrics (the
  tests put the datapoints MediaLive would publish).
- MediaPackage v2 in moto has no origin endpoints or endpoint policies: `aws_hooks` answers
  GetOriginEndpointPolicy with the policy the real Packager component builds.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import threading
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from livestream.model import ladder
from tests.conftest import aws_client

REGION = "ap-northeast-2"
ACCOUNT = "123456789012"  # moto's default account
STREAM_KEY = "k3yS3cr3tStr3amK3y0123456789abcd"


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_env(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A clean moto account, and an environment whose boto3 clients reach it."""
    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST")).read()
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", REGION)
    return moto_url


def client(service: str, region: str = REGION) -> Any:
    """A test's own client of the moto server (the `aws_env` environment)."""
    return aws_client(service, region)


class _Handler(http.server.SimpleHTTPRequestHandler):
    forbid = False

    def do_GET(self) -> None:
        if self.forbid:
            self.send_error(403, "Forbidden")
        else:
            super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path, *, forbid: bool = False) -> Iterator[str]:
    handler = type("Handler", (_Handler,), {"forbid": forbid})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    # shutdown() waits for the serve loop's next poll: a short one keeps each test's teardown short
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def cdn(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    folder = tmp_path / "cdn"
    folder.mkdir()
    with serve(folder) as url:
        yield folder, url


@pytest.fixture
def origin(tmp_path: Path) -> Iterator[str]:
    with serve(tmp_path, forbid=True) as url:
        yield url


def _video_descriptions() -> list[dict[str, Any]]:
    return [
        {
            "Name": f"video-{r.name}",
            "Width": r.width,
            "Height": r.height,
            "CodecSettings": {"H264Settings": {"Bitrate": r.video_bitrate_bps}},
        }
        for r in ladder.PRESETS["sd"]
    ]


def create_channel(name: str, input_type: str = "RTMP_PUSH", channel_class: str = "SINGLE_PIPELINE") -> dict[str, Any]:
    medialive = client("medialive")
    created = medialive.create_input(
        Name=f"{name}-input", Type=input_type, Destinations=[{"StreamName": f"{name}/{STREAM_KEY}-primary"}]
    )
    channel = medialive.create_channel(
        Name=name,
        ChannelClass=channel_class,
        InputAttachments=[{"InputId": created["Input"]["Id"], "InputAttachmentName": f"{name}-input"}],
        InputSpecification={"Codec": "AVC", "Resolution": "SD", "MaximumBitrate": "MAX_10_MBPS"},
        Destinations=[],
        EncoderSettings={
            "VideoDescriptions": _video_descriptions(),
            "AudioDescriptions": [],
            "OutputGroups": [],
            "TimecodeConfig": {"Source": "EMBEDDED"},
        },
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{name}-medialive",
    )["Channel"]
    medialive.describe_channel(ChannelId=channel["Id"])  # moto: CREATING -> IDLE
    return channel


def _alarm(name: str, region: str, channel_id: str, distribution_id: str) -> None:
    if "-cdn-" in name:
        metric = "5xxErrorRate" if "5xx" in name else "4xxErrorRate"
        spec = {
            "Namespace": "AWS/CloudFront",
            "MetricName": metric,
            "Dimensions": [{"Name": "DistributionId", "Value": distribution_id}, {"Name": "Region", "Value": "Global"}],
        }
    elif "dead-letters" in name:  # the scheduler's dead-letter queue (Alarms.watch_dead_letters)
        dims = [{"Name": "QueueName", "Value": "live-dev-scheduler-dead-letters"}]
        spec = {"Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible", "Dimensions": dims}
    elif "packager" in name:
        dims = [
            {"Name": "ChannelGroup", "Value": "live-dev"},
            {"Name": "Channel", "Value": "main"},
            {"Name": "StatusCodeRange", "Value": "5xx"},
        ]
        spec = {"Namespace": "AWS/MediaPackage", "MetricName": "EgressRequestCount", "Dimensions": dims}
    elif "output-errors" in name:  # metric math over the HLS output group's 4xx and 5xx, as the Alarms component builds it
        dims = [
            {"Name": "ChannelId", "Value": channel_id},
            {"Name": "Pipeline", "Value": "0"},
            {"Name": "OutputGroupName", "Value": "packager"},
        ]
        queries = [
            {
                "Id": f"e{kind}",
                "ReturnData": False,
                "MetricStat": {
                    "Metric": {"Namespace": "AWS/MediaLive", "MetricName": f"Output{kind}Errors", "Dimensions": dims},
                    "Period": 60,
                    "Stat": "Sum",
                },
            }
            for kind in ("4xx", "5xx")
        ]
        spec = {"Metrics": [*queries, {"Id": "errors", "Expression": "e4xx + e5xx", "ReturnData": True}]}
    else:
        metric = "ActiveAlerts" if "active-alerts" in name else "InputVideoFrameRate" if "input-loss" in name else "DroppedFrames"
        spec = {
            "Namespace": "AWS/MediaLive",
            "MetricName": metric,
            "Dimensions": [{"Name": "ChannelId", "Value": channel_id}, {"Name": "Pipeline", "Value": "0"}],
        }
    single_metric = {} if "Metrics" in spec else {"Period": 60, "Statistic": "Maximum"}  # metric math sets its own
    client("cloudwatch", region).put_metric_alarm(
        AlarmName=name,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        EvaluationPeriods=2,
        Threshold=1,
        TreatMissingData="notBreaching",
        **single_metric,
        **spec,
    )


@dataclass
class Deployed:
    """The moto side of a deployed dev stack and the outputs file that describes it."""

    outputs_path: Path
    outputs: dict[str, Any]
    channel_id: str
    channel_arn: str
    cdn_folder: Path
    cdn_url: str

    def write(self, **changes: Any) -> Path:
        self.outputs.update(changes)
        self.outputs_path.write_text(json.dumps(self.outputs, indent=2))
        return self.outputs_path


@pytest.fixture
def deployed(aws_env: str, dev_plan: Any, cdn: tuple[Path, str], origin: str, tmp_path: Path) -> Deployed:
    exports = json.loads(json.dumps(dev_plan.exports))
    channel = create_channel("main")
    outputs = dict(exports)
    outputs["channelIds"] = {"main": channel["Id"]}
    outputs["ingestUrls"] = {"main": [f"rtmp://127.0.0.1:1935/main/{STREAM_KEY}-primary"]}
    folder, cdn_url = cdn
    for key, base in (("playbackUrls", cdn_url), ("originUrls", origin)):
        outputs[key] = {"main": {kind: base + "/" + url.split("/", 3)[3] for kind, url in exports[key]["main"].items()}}
    if "playerUrl" in exports:  # the player site at the distribution's root
        outputs["playerUrl"] = cdn_url + "/" + exports["playerUrl"].split("/", 3)[3]
        (folder / "index.html").write_text("<!doctype html><title>live</title>")
    for region, names in exports["alarmNames"].items():
        for name in names:
            _alarm(name, region, channel["Id"], exports["distributionId"])
    client("budgets", "us-east-1").create_budget(
        AccountId=ACCOUNT,
        Budget={
            "BudgetName": exports["budgetName"],
            "BudgetLimit": {"Amount": "250", "Unit": "USD"},
            "TimeUnit": "MONTHLY",
            "BudgetType": "COST",
        },
    )
    scheduler = client("scheduler")
    scheduler.create_schedule_group(Name=exports["scheduleGroupName"])
    for key, expression in (("start", "cron(0 19 * * ? *)"), ("stop", "cron(0 23 * * ? *)"), ("idle-stop", "rate(5 minutes)")):
        scheduler.create_schedule(
            Name=f"live-dev-scheduler-{key}",
            GroupName=exports["scheduleGroupName"],
            ScheduleExpression=expression,
            ScheduleExpressionTimezone=exports["scheduleTimezone"],
            FlexibleTimeWindow={"Mode": "OFF"},
            State="ENABLED",
            Target={
                "Arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:control",
                "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/invoke",
            },
        )
    client("s3").create_bucket(Bucket=exports["archiveBucket"], CreateBucketConfiguration={"LocationConstraint": REGION})
    result = Deployed(tmp_path / "outputs.json", outputs, channel["Id"], channel["Arn"], folder, cdn_url)
    result.write()
    return result


@dataclass
class Hooks:
    """Answers for AWS calls moto lacks, and a record of every call the commands made."""

    answers: dict[str, Callable[[dict[str, Any], str], dict[str, Any] | None]] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    def params(self, name: str) -> list[dict[str, Any]]:
        return [params for called, params in self.calls if called == name]


@pytest.fixture
def aws_hooks(monkeypatch: pytest.MonkeyPatch) -> Hooks:
    """botocore `before-call` handlers on the commands' clients: a handler that returns
    (response, parsed) replaces the HTTP request (botocore's documented short-circuit)."""
    from livestream.ops import aws

    hooks = Hooks()
    original = aws.Aws.client

    def client_with_hooks(self: aws.Aws, service: str, region: str | None = None) -> Any:
        made = original(self, service, region)
        if not getattr(made, "_test_hooked", False):
            made.meta.events.register("before-call", functools.partial(_before_call, hooks))
            made._test_hooked = True
        return made

    monkeypatch.setattr(aws.Aws, "client", client_with_hooks)
    return hooks


def _before_call(hooks: Hooks, model: Any, params: dict[str, Any], request_signer: Any, **_: Any) -> Any:
    body = params.get("body")
    decoded = json.loads(body) if isinstance(body, bytes | str) and body[:1] in ("{", b"{") else {}
    hooks.calls.append((model.name, {"url_path": params.get("url_path", ""), **decoded}))
    answer = hooks.answers.get(model.name)
    parsed = None if answer is None else answer(params, request_signer.region_name)
    if parsed is None:
        return None  # the request goes to moto
    status = int(parsed.get("ResponseMetadata", {}).get("HTTPStatusCode", 200))
    return (type("Response", (), {"status_code": status, "headers": {}})(), parsed)


def not_found(operation: str) -> dict[str, Any]:
    """What AWS answers for an id it does not know in this region (moto's MediaLive raises a 500 instead)."""
    return {
        "Error": {"Code": "NotFoundException", "Message": f"{operation}: not found"},
        "ResponseMetadata": {"HTTPStatusCode": 404},
    }
