"""PlayerSite under mocks: a hardened private bucket only the distribution reads, the page's files and channels.json."""

from __future__ import annotations

import json

import pytest

from livestream.plan import engine as offline
from livestream.player import site
from tests.components.test_cdn import low_latency_plan  # noqa: F401 (fixture)

BUCKET = "aws:s3/bucket:Bucket"
OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"


def site_bucket(plan: offline.Plan) -> offline.PlannedResource:
    return next(b for b in plan.of_type(BUCKET) if b.name.endswith("-site-bucket"))


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_site_bucket_is_hardened_like_the_others(stack: str, request: pytest.FixtureRequest) -> None:
    plan: offline.Plan = request.getfixturevalue(f"{stack}_plan")
    guards = {r.type.split(":")[-1]: r for r in plan.children(site_bucket(plan))}
    block = guards["BucketPublicAccessBlock"].inputs
    assert all(block[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    assert guards["BucketOwnershipControls"].inputs["rule"]["objectOwnership"] == "BucketOwnerEnforced"
    rule = guards["BucketServerSideEncryptionConfiguration"].inputs["rules"][0]
    assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_only_this_distribution_reads_the_site_and_only_over_tls(stack: str, request: pytest.FixtureRequest) -> None:
    plan: offline.Plan = request.getfixturevalue(f"{stack}_plan")
    bucket = site_bucket(plan)
    [policy] = [p for p in plan.of_type(POLICY) if p.parent == bucket.urn]
    deny, allow = json.loads(policy.inputs["policy"])["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert allow == {
        "Sid": "AllowCloudFrontServicePrincipalReadOnly",
        "Effect": "Allow",
        "Action": ["s3:GetObject"],
        "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Resource": [f"{bucket.outputs['arn']}/*"],
        "Condition": {"StringEquals": {"AWS:SourceArn": plan.one(DISTRIBUTION).outputs["arn"]}},
    }


def test_the_page_and_its_assets_are_uploaded_with_their_cache_headers(dev_plan: offline.Plan) -> None:
    bucket = site_bucket(dev_plan)
    objects = {o.inputs["key"]: o for o in dev_plan.of_type(OBJECT)}
    expected = {f.key: f for f in site.page_files()}
    assert set(objects) == {*expected, site.CHANNELS_FILE}  # never recordings.json: the indexer owns it
    for key, site_file in expected.items():
        uploaded = objects[key].inputs
        assert uploaded["bucket"] == bucket.outputs["id"]
        assert (uploaded["contentType"], uploaded["cacheControl"]) == (site_file.content_type, site_file.cache_control)
        assert uploaded["source"] == {"text": f"<{len(site_file.body.decode())} characters>"}
    assert objects["index.html"].inputs["cacheControl"] == site.SHORT_CACHE
    hls = next(f for f in expected.values() if f.name == "hls.min.js")
    assert hls.key.startswith(f"assets/hls-{site.HLS_JS.version}.min.") and hls.cache_control == site.IMMUTABLE_CACHE


def test_channels_json_is_the_playback_urls_and_the_player_url_is_exported(low_latency_plan: offline.Plan) -> None:  # noqa: F811
    plan = low_latency_plan
    [channels] = [o for o in plan.of_type(OBJECT) if o.inputs["key"] == site.CHANNELS_FILE]
    assert json.loads(channels.inputs["content"]) == plan.exports["playbackUrls"]
    assert set(plan.exports["playbackUrls"]["main"]) == {"hls", "dash", "llHls"}
    assert channels.inputs["cacheControl"] == site.SHORT_CACHE
    assert plan.exports["playerUrl"] == f"https://{plan.exports['distributionDomain']}/"
