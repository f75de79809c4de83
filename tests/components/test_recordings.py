"""Recordings under the mock engine: bucket, recording endpoints, indexer function, its role and its rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi

from livestream.components import recordings
from livestream.plan.engine import Plan, PlannedResource
from tests.conftest import run_stack

BUCKET = "aws:s3/bucket:Bucket"
ENDPOINT = "aws-native:mediapackagev2:OriginEndpoint"
ENDPOINT_POLICY = "aws-native:mediapackagev2:OriginEndpointPolicy"
FUNCTION = "aws:lambda/function:Function"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
PERMISSION = "aws:lambda/permission:Permission"
COMPONENT = "livestream:index:Recordings"


def bucket(plan: Plan) -> PlannedResource:
    return next(r for r in plan.of_type(BUCKET) if r.name.endswith("-recordings-bucket"))


def bucket_part(plan: Plan, kind: str) -> dict[str, Any]:
    bucket_id = bucket(plan).outputs["id"]
    [part] = [
        r for r in plan.resources if r.type == f"aws:s3/{kind[0].lower() + kind[1:]}:{kind}" and r.inputs["bucket"] == bucket_id
    ]
    return part.inputs


def indexer(plan: Plan) -> PlannedResource:
    return next(r for r in plan.of_type(FUNCTION) if r.name.endswith("-recordings-indexer"))


def recording_endpoints(plan: Plan) -> list[PlannedResource]:
    return [r for r in plan.of_type(ENDPOINT) if r.inputs["originEndpointName"] == "recording"]


def test_each_channel_gets_a_recording_endpoint_holding_max_hours(dev_plan: Plan, prod_plan: Plan) -> None:
    for plan, hours in ((dev_plan, 6), (prod_plan, 24)):
        [endpoint] = recording_endpoints(plan)
        assert endpoint.inputs["containerType"] == "CMAF"
        assert endpoint.inputs["startoverWindowSeconds"] == hours * 3600
        assert endpoint.inputs["segment"]["segmentDurationSeconds"] == 4
        assert [m["manifestName"] for m in endpoint.inputs["hlsManifests"]] == ["index"]


def test_only_the_harvester_of_this_account_reads_the_recording_endpoint(dev_plan: Plan) -> None:
    [endpoint] = recording_endpoints(dev_plan)
    [policy] = [p for p in dev_plan.of_type(ENDPOINT_POLICY) if p.parent == endpoint.urn]
    [statement] = policy.inputs["policy"]["Statement"]
    assert statement["Principal"] == {"Service": "mediapackagev2.amazonaws.com"}
    assert sorted(statement["Action"]) == ["mediapackagev2:GetObject", "mediapackagev2:HarvestObject"]
    assert statement["Resource"] == [endpoint.outputs["arn"]]
    assert set(statement["Condition"]["StringEquals"]) == {"AWS:SourceAccount"}


def test_the_bucket_policy_is_tls_only_harvester_writes_and_the_distribution_reads_recordings(dev_plan: Plan) -> None:
    arn = bucket(dev_plan).outputs["arn"]
    distribution = dev_plan.one("aws:cloudfront/distribution:Distribution").outputs["arn"]
    policy = {s["Sid"]: s for s in json.loads(bucket_part(dev_plan, "BucketPolicy")["policy"])["Statement"]}
    assert policy["DenyInsecureTransport"]["Effect"] == "Deny"
    assert policy["HarvestWrites"]["Resource"] == [f"{arn}/recordings/*"]
    assert policy["HarvestWrites"]["Principal"] == {"Service": "mediapackagev2.amazonaws.com"}
    read = policy["AllowCloudFrontServicePrincipalReadOnly"]
    assert read["Action"] == ["s3:GetObject"] and read["Resource"] == [f"{arn}/recordings/*"]
    assert read["Condition"] == {"StringEquals": {"AWS:SourceArn": distribution}}


def test_lifecycle_moves_to_glacier_instant_retrieval_so_old_recordings_still_play(dev_plan: Plan, prod_plan: Plan) -> None:
    [prod_rule] = bucket_part(prod_plan, "BucketLifecycleConfiguration")["rules"]
    assert prod_rule["transitions"] == [{"days": 30, "storageClass": "GLACIER_IR"}]
    assert prod_rule["expiration"]["days"] == 365
    [dev_rule] = bucket_part(dev_plan, "BucketLifecycleConfiguration")["rules"]
    assert dev_rule["expiration"]["days"] == 14 and "transitions" not in dev_rule


def test_prod_recordings_survive_destroy_and_dev_ones_do_not(dev_plan: Plan, prod_plan: Plan) -> None:
    assert bucket(prod_plan).retain_on_delete is True and bucket(prod_plan).inputs["forceDestroy"] is False
    assert bucket(dev_plan).retain_on_delete is False and bucket(dev_plan).inputs["forceDestroy"] is True


def test_the_function_knows_each_channel_its_packager_and_its_endpoint(prod_plan: Plan) -> None:
    env = indexer(prod_plan).inputs["environment"]["variables"]
    channel_id = prod_plan.one("aws:medialive/channel:Channel").outputs["channelId"]
    group = prod_plan.one("aws-native:mediapackagev2:ChannelGroup").outputs["channelGroupName"]
    assert json.loads(env["CHANNELS"]) == {
        channel_id: {
            "name": "main",
            "channelGroup": group,
            "channel": "main",
            "endpoint": "recording",
            "manifest": "index",
            "segmentSeconds": 4,
            "pipelines": 2,
            "maxHours": 24,
        }
    }
    assert env["RECORDINGS_BUCKET"] == bucket(prod_plan).outputs["bucket"]
    domain = prod_plan.one("aws:cloudfront/distribution:Distribution").outputs["domainName"]
    assert env["PLAYBACK_BASE"] == f"https://{domain}"


def test_the_role_is_scoped_to_our_bucket_index_channels_and_endpoints(dev_plan: Plan) -> None:
    fn = indexer(dev_plan)
    role = next(r for r in dev_plan.of_type("aws:iam/role:Role") if r.outputs["arn"] == fn.inputs["role"])
    [attached] = [p for p in dev_plan.of_type("aws:iam/rolePolicy:RolePolicy") if p.inputs["role"] == role.outputs["id"]]
    policy = {s["Sid"]: s for s in json.loads(attached.inputs["policy"])["Statement"]}
    wildcard = {sid for sid, s in policy.items() if "*" in s["Resource"]}
    assert wildcard == {"ReadVideoMetrics"}  # GetMetricData has no resource-level permissions
    arn = bucket(dev_plan).outputs["arn"]
    assert policy["KeepRecordingState"]["Resource"] == [f"{arn}/*"]
    [endpoint] = recording_endpoints(dev_plan)
    assert policy["HarvestOwnEndpoints"]["Resource"] == [endpoint.outputs["arn"], f"{endpoint.outputs['arn']}/harvestJob/*"]
    assert policy["ReadOwnChannels"]["Resource"] == [dev_plan.one("aws:medialive/channel:Channel").outputs["arn"]]
    assert sorted(policy["ReadOwnChannels"]["Action"]) == ["medialive:DescribeChannel", "medialive:ListTagsForResource"]


def test_state_changes_harvest_notices_and_an_hourly_sweep_invoke_the_function(dev_plan: Plan) -> None:
    fn = indexer(dev_plan)
    rules = {r.name.removeprefix("live-dev-recordings-"): r for r in dev_plan.of_type(RULE) if "-recordings-" in r.name}
    assert set(rules) == {"channel-state", "harvest", "sweep"}
    channel_arn = dev_plan.one("aws:medialive/channel:Channel").outputs["arn"]
    assert json.loads(rules["channel-state"].inputs["eventPattern"]) == {
        "source": ["aws.medialive"],
        "detail-type": ["MediaLive Channel State Change"],
        "detail": {"channel_arn": [channel_arn]},
    }
    assert json.loads(rules["harvest"].inputs["eventPattern"])["source"] == ["aws.mediapackagev2"]
    assert rules["sweep"].inputs["scheduleExpression"] == "rate(1 hour)"
    for rule in rules.values():
        [target] = [t for t in dev_plan.of_type(TARGET) if t.parent == rule.urn]
        assert target.inputs["arn"] == fn.outputs["arn"]
        [permission] = [p for p in dev_plan.of_type(PERMISSION) if p.parent == rule.urn]
        assert permission.inputs["sourceArn"] == rule.outputs["arn"]
        assert permission.inputs["principal"] == "events.amazonaws.com"


def test_recordings_can_be_switched_off() -> None:
    plan = run_stack("dev", recordings={"enabled": False})
    assert not plan.of_type(COMPONENT)
    assert not recording_endpoints(plan)


def test_code_is_the_packaged_indexer() -> None:
    archive = recordings.function_code()
    assert set(archive.assets) == {"recordings_indexer.py", "hls_playlists.py", "medialive_metrics.py"}
    asset = archive.assets["recordings_indexer.py"]
    assert isinstance(asset, pulumi.FileAsset) and "def handler(" in Path(asset.path).read_text()
    assert all(Path(a.path).is_file() for a in archive.assets.values())


def test_the_distribution_serves_recordings_from_the_bucket_and_the_index_sits_on_the_player_site(dev_plan: Plan) -> None:
    distribution = dev_plan.one("aws:cloudfront/distribution:Distribution").inputs
    origin = next(o for o in distribution["origins"] if o["originId"] == "recordings")
    assert origin["domainName"] == bucket(dev_plan).outputs["bucketRegionalDomainName"]
    assert origin["originAccessControlId"]  # signed by the S3 origin access control, like the player site
    assert ("recordings/*", "recordings") in [
        (b["pathPattern"], b["targetOriginId"]) for b in distribution["orderedCacheBehaviors"]
    ]
    site = next(r for r in dev_plan.of_type(BUCKET) if r.name.endswith("-site-bucket"))
    assert indexer(dev_plan).inputs["environment"]["variables"]["INDEX_BUCKET"] == site.outputs["bucket"]
    index_grant = next(
        s
        for p in dev_plan.of_type("aws:iam/rolePolicy:RolePolicy")
        if p.name.endswith("-recordings-policy")
        for s in json.loads(p.inputs["policy"])["Statement"]
        if s["Sid"] == "WriteTheIndex"
    )
    assert index_grant["Resource"] == [f"{site.outputs['arn']}/recordings.json"]  # the one object, not the site


def test_recording_urls_use_the_custom_domain_when_there_is_one() -> None:
    certificate = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    plan = run_stack("prod", cdn={"customDomain": {"domainName": "live.example.com", "certificateArn": certificate}})
    assert indexer(plan).inputs["environment"]["variables"]["PLAYBACK_BASE"] == "https://live.example.com"
