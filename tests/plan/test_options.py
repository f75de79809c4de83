"""The mock engine's view of resource options: protect, aliases, delete-before-replace, replace-on-changes.

These options decide whether a change updates, replaces or is refused, so the plan must see them
exactly as the program registered them.
"""

from __future__ import annotations

from livestream.components import protection
from livestream.plan import diff
from livestream.plan import engine as offline
from livestream.plan.document import resources_of
from livestream.plan.engine import Plan
from tests.conftest import FIXTURES

RENAMED = FIXTURES / "renamed"
BEFORE_RENAME = FIXTURES / "renamed_before"


def test_prod_protects_exactly_the_identity_bearing_resources(prod_plan: Plan) -> None:
    protected = {(r.type, r.name) for r in prod_plan.resources if r.protect}
    identity = {(r.type, r.name) for r in prod_plan.resources if protection.carries_identity(r.type, r.name)}
    assert {
        ("aws:cloudfront/distribution:Distribution", "live-prod-cdn-distribution"),
        ("aws-native:mediapackagev2:ChannelGroup", "live-prod-packager-group"),
        ("aws-native:medialive:Input", "live-prod-main-rtmp"),
        ("random:index/randomPassword:RandomPassword", "live-prod-main-stream-key"),
        ("aws:s3/bucket:Bucket", "live-prod-archive-bucket"),
        ("aws:s3/bucket:Bucket", "live-prod-recordings-bucket"),  # shared recording URLs point into it
    } == identity
    # Children inherit protection from their parent (the buckets' guard rails), nothing else is protected.
    bucket_children = {
        (r.type, r.name)
        for r in prod_plan.resources
        if r.name.startswith(("live-prod-archive-bucket-", "live-prod-recordings-bucket-"))
    }
    assert protected == identity | bucket_children
    assert not any(r.protect for r in prod_plan.resources if r.type == "aws:medialive/channel:Channel")


def test_dev_protects_nothing(dev_plan: Plan) -> None:
    assert not any(r.protect for r in dev_plan.resources)


def test_channel_is_replaced_delete_first(dev_plan: Plan) -> None:
    channel = dev_plan.one("aws:medialive/channel:Channel")
    assert channel.delete_before_replace is True
    assert not any(r.delete_before_replace for r in dev_plan.resources if r is not channel)


def test_aws_native_resources_carry_their_create_only_properties(dev_plan: Plan) -> None:
    group = dev_plan.one("aws-native:mediapackagev2:ChannelGroup")
    assert group.replace_on_changes == ("channelGroupName",)
    assert "type" in dev_plan.one("aws-native:medialive:Input").replace_on_changes
    assert dev_plan.one("aws:medialive/channel:Channel").replace_on_changes == ()  # pulumi-aws ships none


def test_aliases_reach_the_registration_and_keep_every_resource() -> None:
    plan = offline.run(RENAMED, "test")
    platform = plan.one("livestream:index:LiveStreamPlatform")
    assert platform.name == "venue"
    assert platform.aliases == ({"name": "studio"},)
    assert platform.options()["aliases"] == [{"name": "studio"}]
    assert plan.one("aws:cloudfront/distribution:Distribution").protect is True  # `protect` as a component arg

    before = {"resources": [r.to_json() for r in resources_of(offline.run(BEFORE_RENAME, "test"))]}
    after = {"resources": [r.to_json() for r in resources_of(plan)]}
    result = diff.diff(before, after)
    assert result.of("create") == [] and result.of("delete") == [] and result.of("replace") == []
    renamed = [c for c in result.changes if c.previous_name]
    assert renamed and all(c.previous_name.startswith("studio") and c.name.startswith("venue") for c in renamed)
