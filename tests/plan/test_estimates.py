"""Cost and latency of a plan: the basis each stack gets, and errors a user can act on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from livestream.model import settings as model
from livestream.plan.document import Resource
from livestream.plan.errors import PlanError
from livestream.plan.estimates import NOT_APPLICABLE, PLATFORM, estimate_plan, unread_keys, wire_latency, wire_resources
from tests.conftest import stack_config
from tests.plan.builders import resource

ENCODER = resource("livestream:index:Encoder", "studio-a")
CHANNEL = resource(
    "aws:medialive/channel:Channel",
    "studio-a-channel",
    ENCODER,
    inputs={
        "channelClass": "SINGLE_PIPELINE",
        "inputSpecification": {"inputResolution": "HD"},
        "encoderSettings": {"videoDescriptions": [{"height": 720.0, "codecSettings": {"h264Settings": {"bitrate": 3e6}}}]},
    },
)


def endpoint(name: str, channel: str, segment: Any, **inputs: Any) -> Resource:
    return resource(
        "aws-native:mediapackagev2:OriginEndpoint",
        name,
        inputs={"channelName": channel, "segment": {"segmentDurationSeconds": segment}, **inputs},
    )


def test_without_channels_there_is_nothing_to_estimate() -> None:
    got = estimate_plan({"aws:region": "us-east-1"}, [resource("aws:s3/bucket:Bucket", "b")], "dev")
    assert got.cost == NOT_APPLICABLE and got.latency.channels == {} and got.latency.note


def test_resources_basis_prices_the_planned_channels_by_their_encoder_name() -> None:
    assert [w.name for w in wire_resources([ENCODER, CHANNEL])] == ["studio-a", "studio-a"]
    got = estimate_plan({"aws:region": "ap-northeast-2"}, [ENCODER, CHANNEL], "dev")
    assert got.cost.basis == "resources" and got.cost.monthly_usd
    assert got.cost.assumptions and got.cost.assumptions["channelHours"] == {"studio-a": 730.0}
    assert got.latency.basis == "resources" and got.latency.note  # no origin endpoints: no segment length


def test_latency_from_the_endpoints_shortest_segment_and_any_ll_hls() -> None:
    latency = wire_latency(
        [
            endpoint("a-hls", "a", 6.0),
            endpoint("a-ll", "a", "2", lowLatencyHlsManifests=[{"manifestName": "ll"}]),
            endpoint("b-dash", "b", None),
        ]
    )
    assert (latency["a"].segment_seconds, latency["a"].low_latency_hls) == (2, True)
    assert (latency["b"].segment_seconds, latency["b"].low_latency_hls) == (6, False)  # MediaPackage's default


def platform(name: str = "live", **sections: Any) -> Resource:
    """A LiveStreamPlatform as the component records itself: its validated settings as JSON args."""
    config = stack_config("dev")
    raw = {key.removeprefix("livestream:"): value for key, value in config.items() if key.startswith("livestream:")}
    settings = model.load({**raw, **sections}, environment="dev", region="ap-northeast-2")
    return resource(PLATFORM, name, inputs={"settings": json.dumps(model.as_args(settings)), "unchecked": []})


def test_platform_basis_prices_what_the_component_recorded_never_the_stack_config(tmp_path: Path) -> None:
    built = platform(usage={"streamedHoursPerMonth": 40, "viewerHoursPerMonth": 800})
    stack = {"aws:region": "ap-northeast-2", "livestream:channels": {"other": {"ingest": {"allowedCidrs": ["0.0.0.0/0"]}}}}
    got = estimate_plan(stack, [built], "dev")
    assert got.cost.basis == "platform" and set(got.latency.channels) == {"main"}  # not the stack's "other"
    assert got.cost.assumptions and got.cost.assumptions["viewerHoursPerMonth"] == 800
    prices = tmp_path / "prices.json"
    prices.write_text('{"nosuch": 1}')
    with pytest.raises(PlanError, match="cannot price the plan: unknown key 'nosuch'") as error:
        estimate_plan({}, [built], "dev", prices)
    assert error.value.kind == "prices"


def test_two_platforms_are_priced_item_by_item_and_summed() -> None:
    one, two = platform("a"), platform("b", cdn={"priceClass": "PriceClass_200"})
    alone = estimate_plan({}, [one], "dev").cost
    both = estimate_plan({}, [one, two], "dev").cost
    assert both.items[0].name == f"a: {alone.items[0].name}"
    assert both.monthly_usd == pytest.approx(alone.monthly_usd + estimate_plan({}, [two], "dev").cost.monthly_usd, abs=0.02)


def test_unread_keys_are_the_livestream_keys_nothing_read() -> None:
    config = {"aws:region": "x", "livestream:channels": {}, "livestream:archiv": {}, "app:other": 1}
    assert unread_keys(config, {"aws:region", "livestream:channels"}) == ["livestream:archiv"]


def test_the_estimate_carries_build_or_buy_for_the_same_usage() -> None:
    from livestream import cost
    from livestream.cost import alternatives

    got = estimate_plan({}, [platform()], "dev")
    options = got.cost.alternatives
    assert [o.name for o in options] == [name for name, _ in alternatives.ALTERNATIVES]
    assert all(o.platform_monthly_usd == pytest.approx(got.cost.monthly_usd, abs=0.01) for o in options)
    cloudflare = next(o for o in options if o.name == "Cloudflare Stream")
    viewer_hours = (got.cost.assumptions or {})["viewerHoursPerMonth"]
    table = cost.load_prices("us-east-1")
    assert cloudflare.monthly_usd >= viewer_hours * 60 / 1000 * table.value("alternatives.cloudflare.deliveryPer1000Minutes")
    json_options = got.cost.to_json()["alternatives"]
    assert [o["name"] for o in json_options] == [o.name for o in options] and all(o["sources"] for o in json_options)
