"""Cost-allocation tags: every taggable resource of a platform carries them."""

from __future__ import annotations

import importlib
from collections import Counter
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_aws_native as aws_native
import pulumi_random as random
import pytest
from pulumi.runtime import rpc
from pulumi.runtime.sync_await import _sync_await

from livestream.components import tags
from livestream.plan import engine as offline
from livestream.plan.engine import Plan, PlannedResource
from tests.conftest import stack_config

TWO_CHANNELS = Path(__file__).resolve().parents[1] / "fixtures" / "two_channels"


def resource_class(type_token: str) -> type | None:
    """The SDK class behind a type token, from the resource modules the provider SDKs register on import."""
    package, module_name, _ = type_token.split(":")
    module = rpc.get_resource_module(package, module_name, "")
    info = getattr(module, "mod_info", None)  # generated SDKs keep {"fqn", "classes"} here
    if info is None or type_token not in info["classes"]:
        return None
    cls: type = getattr(importlib.import_module(info["fqn"]), info["classes"][type_token])
    return cls


def tags_of(resource: PlannedResource) -> dict[str, Any]:
    value = resource.inputs.get("tags")
    if isinstance(value, list):
        return {item["key"]: item["value"] for item in value}
    return dict(value or {})


def taggable(plan: Plan) -> list[PlannedResource]:
    found = []
    for resource in plan.resources:
        if not resource.custom or resource.type.startswith("pulumi:providers:"):
            continue
        cls = resource_class(resource.type)
        assert cls is not None, f"no SDK class for {resource.type}"
        if tags.tag_shape(cls) is not None:
            found.append(resource)
    return found


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_taggable_resource_carries_platform_environment_and_user_tags(stack: str, dev_plan: Plan, prod_plan: Plan) -> None:
    plan = {"dev": dev_plan, "prod": prod_plan}[stack]
    user_tags = stack_config(stack)["livestream:tags"]
    expected = {**user_tags, tags.PLATFORM_TAG: f"live-{stack}", tags.ENVIRONMENT_TAG: stack}
    resources = taggable(plan)
    for resource in resources:
        got = tags_of(resource)
        missing = {k: v for k, v in expected.items() if got.get(k) != v}
        assert not missing, f"{resource.type} {resource.name} lacks {missing}"
    # The walk must have covered the platform, so a transformation that silently did nothing fails here.
    kinds = Counter(r.type for r in resources)
    assert len(kinds) >= 12, kinds
    for core in (
        "aws:medialive/channel:Channel",
        "aws-native:medialive:Input",
        "aws-native:mediapackagev2:Channel",
        "aws:cloudfront/distribution:Distribution",
        "aws:s3/bucket:Bucket",
        "aws:iam/role:Role",
        "aws:sns/topic:Topic",
        "aws:kms/key:Key",
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "aws:budgets/budget:Budget",
    ):
        assert kinds[core] >= 1, f"{core} not among the tagged resources: {sorted(kinds)}"


def test_list_shaped_tags_are_key_value_pairs(dev_plan: Plan) -> None:
    channel = dev_plan.of_type("aws-native:mediapackagev2:Channel")[0]
    assert isinstance(channel.inputs["tags"], list)
    assert {"key": tags.PLATFORM_TAG, "value": "live-dev"} in channel.inputs["tags"]


def test_resources_without_tags_stay_untouched(dev_plan: Plan) -> None:
    classes = {r.type: resource_class(r.type) for r in dev_plan.resources if r.custom}
    untouched = [r for r in dev_plan.resources if (cls := classes.get(r.type)) is not None and tags.tag_shape(cls) is None]
    assert {"random:index/randomPassword:RandomPassword", "aws:cloudwatch/dashboard:Dashboard"} <= {r.type for r in untouched}
    assert all("tags" not in r.inputs for r in untouched)


def test_library_use_tags_with_component_args_and_stack_name() -> None:
    plan = offline.run(TWO_CHANNELS, "test")
    resources = taggable(plan)
    assert resources
    for resource in resources:
        got = tags_of(resource)
        assert got.get("owner") == "studio-team", resource.name
        assert got.get(tags.PLATFORM_TAG) == "studio"
        assert got.get(tags.ENVIRONMENT_TAG) == "test"


def test_user_tags_cannot_override_the_cost_allocation_tags() -> None:
    plan = offline.run(
        Path(__file__).resolve().parents[2],
        "dev",
        config={**stack_config("dev"), "livestream:tags": {"livestream:platform": "other", "team": "media"}},
    )
    for resource in taggable(plan):
        assert tags_of(resource)[tags.PLATFORM_TAG] == "live-dev"


# --- the pieces, without an engine -------------------------------------------------------------


def test_tag_shape_reads_the_constructor() -> None:
    assert tags.tag_shape(aws.sns.Topic) == "map"
    assert tags.tag_shape(aws_native.medialive.Input) == "map"
    assert tags.tag_shape(aws_native.mediapackagev2.Channel) == "list"
    assert tags.tag_shape(random.RandomPassword) is None
    assert tags.tag_shape(aws.cloudwatch.Dashboard) is None
    assert tags.tag_shape(aws.autoscaling.Group) is None  # propagate_at_launch tags: not ours to guess


MANDATORY = frozenset({tags.PLATFORM_TAG, tags.ENVIRONMENT_TAG})
WANTED = tags.platform_tags("live-dev", "dev", {"team": "media", "Name": "default"})


def test_merge_keeps_resource_tags_but_not_over_the_cost_tags() -> None:
    existing = {"Name": "archive", tags.PLATFORM_TAG: "spoofed"}
    merged = tags.merge(existing, WANTED, "map", mandatory=MANDATORY)
    assert merged == {"team": "media", "Name": "archive", tags.PLATFORM_TAG: "live-dev", tags.ENVIRONMENT_TAG: "dev"}


def test_merge_list_shape_accepts_dicts() -> None:
    merged = tags.merge([{"key": "Name", "value": "group"}], WANTED, "list", mandatory=MANDATORY)
    assert {"key": "Name", "value": "group"} in merged
    assert {"key": tags.ENVIRONMENT_TAG, "value": "dev"} in merged
    assert tags.merge(None, WANTED, "list", mandatory=MANDATORY) == [{"key": k, "value": v} for k, v in WANTED.items()]


def test_merge_output_tags_resolves_later() -> None:
    merged = tags.merge(pulumi.Output.from_input({"Name": "x"}), WANTED, "map", mandatory=MANDATORY)
    assert isinstance(merged, pulumi.Output)
    assert _sync_await(merged.future()) == {**WANTED, "Name": "x"}


def test_cost_filter_value_is_the_budgets_tag_format() -> None:
    assert tags.cost_filter_value("live-prod") == "user:livestream:platform$live-prod"
