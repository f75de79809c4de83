"""The diagram of hand-built documents: only the nodes the plan has, either provider, stable order."""

from __future__ import annotations

import json

from livestream.plan.render import node_labels, render, render_json, render_mermaid
from tests.plan.builders import document, resource

PLATFORM = resource("livestream:index:LiveStreamPlatform", "live")
ENCODER = resource("livestream:index:Encoder", "live-main", PLATFORM)
CDN = resource("livestream:index:Cdn", "live-cdn", PLATFORM)
VIDEOS = [
    {"name": "720p", "height": 720.0, "codecSettings": {"h264Settings": {"bitrate": 3e6}}},
    {"name": "source", "codecSettings": {"h264Settings": {"bitrate": 1e6}}},
    {"name": "thumbs", "codecSettings": {"frameCaptureSettings": {}}},
]
CHANNEL = resource(
    "aws:medialive/channel:Channel",
    "live-main-channel",
    ENCODER,
    inputs={
        "channelClass": "SINGLE_PIPELINE",
        "encoderSettings": {"videoDescriptions": VIDEOS},
        "inputAttachments": [{"inputId": "in-1"}],
        "destinations": [{"settings": [{"url": "s3ssl://rec-bucket/main/p0"}]}],
    },
)
SRT_INPUT = resource(
    "aws-native:medialive:Input", "live-main-input", ENCODER, inputs={"type": "SRT_LISTENER"}, outputs={"awsId": "in-1"}
)
NATIVE_CDN = resource(
    "aws-native:cloudfront:Distribution",
    "live-cdn-distribution",
    CDN,
    inputs={
        "distributionConfig": {"priceClass": "PriceClass_200", "origins": [{"domainName": "x", "originAccessControlId": "o"}]}
    },
)


def test_draws_only_what_the_plan_has_read_through_the_wire_vocabulary() -> None:
    diagram = render_mermaid(document(PLATFORM, ENCODER, CDN, CHANNEL, SRT_INPUT, NATIVE_CDN))
    labels = node_labels(diagram)
    # frame captures are not renditions; the aws-native input and distribution count as well as classic ones
    assert "Encoder live-main<br/>MediaLive SINGLE_PIPELINE<br/>2 renditions, top 720p" in labels
    assert "broadcaster -->|SRT| enc1" in diagram
    assert "Cdn live-cdn<br/>CloudFront + OAC<br/>PriceClass_200" in labels
    assert "Archive rec-bucket<br/>S3 rec-bucket" in labels and "enc1 -->|recording| arc1" in diagram
    assert "cdn1 -->|HTTPS| viewers" in diagram
    assert not any(label.startswith(("Packager", "Scheduler", "Alarms", "Operators")) for label in labels)


def test_the_diagram_does_not_depend_on_the_resource_order() -> None:
    resources = [PLATFORM, ENCODER, CDN, CHANNEL, SRT_INPUT, NATIVE_CDN]
    assert render_mermaid(document(*resources)) == render_mermaid(document(*reversed(resources)))
    assert render(document(), "mermaid") == "flowchart LR\n"


def test_json_renders_the_document_contract() -> None:
    doc = document(PLATFORM, CHANNEL)
    assert json.loads(render_json(doc)) == doc.to_json()
    assert render(doc, "json").endswith("}\n")


def test_the_scheduler_edge_says_what_the_schedules_do() -> None:
    """Issue 13: "start / stop" was drawn for a stack whose only schedule is the idle stop."""
    channel = resource("aws:medialive/channel:Channel", "main")
    idle = resource("aws:scheduler/schedule:Schedule", "idle", inputs={"target": {"input": '{"action": "stop-if-idle"}'}})
    notice = resource(
        "aws:scheduler/schedule:Schedule", "notice", inputs={"target": {"input": '{"action": "notify-if-running"}'}}
    )
    assert "scheduler -.->|idle stop| enc1" in render_mermaid(document(channel, idle, notice))
    start = resource("aws:scheduler/schedule:Schedule", "start", inputs={"target": {"input": '{"action": "start"}'}})
    stop = resource("aws:scheduler/schedule:Schedule", "stop", inputs={"target": {"input": '{"action": "stop"}'}})
    assert "scheduler -.->|start / stop| enc1" in render_mermaid(document(channel, start, stop))
