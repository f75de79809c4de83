"""The replacement rules: aws-native's own create-only lists, and the ForceNew table for pulumi-aws."""

from __future__ import annotations

import importlib
import inspect

import pytest

from livestream.model.settings import snake
from livestream.plan import replacement
from livestream.plan.engine import Plan


def resource_class(type_token: str) -> type:
    package, module_path, name = type_token.split(":")
    module = module_path.split("/")[0]
    sdk = {"aws": "pulumi_aws", "random": "pulumi_random"}[package]
    module = {"lambda": "lambda_"}.get(module, module)  # a Python keyword
    return getattr(importlib.import_module(f"{sdk}.{module}" if module != "index" else sdk), name)


@pytest.mark.parametrize("type_token", sorted(replacement.FORCE_NEW))
def test_every_force_new_property_is_an_argument_of_the_resource(type_token: str) -> None:
    arguments = set(inspect.signature(resource_class(type_token)._internal_init).parameters)
    for prop in replacement.FORCE_NEW[type_token]:
        assert prop == replacement.ANY or snake(prop) in arguments, f"{type_token}: no argument {prop}"


def test_every_classic_type_the_platform_uses_has_a_rule(dev_plan: Plan, prod_plan: Plan) -> None:
    used = {r.type for plan in (dev_plan, prod_plan) for r in plan.resources if r.custom}
    classic = {t for t in used if t.startswith(("aws:", "random:"))}
    missing = classic - set(replacement.FORCE_NEW)
    # Not in the table: types whose only create-only inputs here are physical names derived from the logical
    # name (alarm, dashboard, budget and policy names), which change only with it: a delete + create in the diff.
    assert missing <= {
        "aws:cloudfront/cachePolicy:CachePolicy",
        "aws:cloudfront/originAccessControl:OriginAccessControl",
        "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "aws:cloudwatch/dashboard:Dashboard",
        "aws:budgets/budget:Budget",
        "aws:secretsmanager/secretVersion:SecretVersion",
        "aws:lambda/permission:Permission",
    }, missing


def test_aws_native_rules_are_what_the_resource_registered(dev_plan: Plan) -> None:
    group = dev_plan.one("aws-native:mediapackagev2:ChannelGroup")
    options = group.options()
    assert replacement.create_only(group.type, options) == ("channelGroupName",)
    assert replacement.replacing(group.type, options, ["channelGroupName", "description"]) == ("channelGroupName",)
    assert "schema" in replacement.source(group.type, options)


def test_classic_rules_come_from_the_table() -> None:
    channel = "aws:medialive/channel:Channel"
    assert replacement.replacing(channel, {}, ["encoderSettings", "channelClass"]) == ("channelClass",)
    assert replacement.replacing(channel, {}, ["encoderSettings"]) == ()
    assert "ForceNew" in replacement.source(channel, {})
    password = "random:index/randomPassword:RandomPassword"
    assert replacement.replacing(password, {}, ["length"]) == ("length",)
