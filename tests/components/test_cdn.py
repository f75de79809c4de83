"""Cdn (CloudFront) under mocks: origin access control, HTTPS-only read-only behaviours, derived TTLs, options."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from livestream.components import cdn
from livestream.model import ttl
from livestream.plan import engine as offline
from livestream.player import headers as security
from tests import botocore_shapes
from tests.conftest import run_stack, stack_config

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
OAC = "aws:cloudfront/originAccessControl:OriginAccessControl"
CACHE_POLICY = "aws:cloudfront/cachePolicy:CachePolicy"
CORS = "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy"
GROUP = "aws-native:mediapackagev2:ChannelGroup"
BUCKET = "aws:s3/bucket:Bucket"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
PUBLIC_KEY = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtest\n-----END PUBLIC KEY-----\n"
CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
WEB_ACL = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/live/abcd"


def cdn_config(stack: str, **overrides: Any) -> dict[str, Any]:
    return {**stack_config(stack)["livestream:cdn"], **overrides}


@pytest.fixture(scope="module")
def options_plan() -> offline.Plan:
    """Every optional CDN feature on: https-only, geo restriction, custom domain, signed URLs, WAF."""
    return run_stack(
        "prod",
        cdn=cdn_config(
            "prod",
            viewerProtocol="https-only",
            geoRestriction={"type": "whitelist", "countries": ["KR", "JP"]},
            customDomain={"domainName": "live.example.com", "certificateArn": CERTIFICATE},
            signedUrlsPublicKey=PUBLIC_KEY,
            webAclArn=WEB_ACL,
            logsExpireDays=30,
        ),
    )


@pytest.fixture(scope="module")
def low_latency_plan() -> offline.Plan:
    channels = stack_config("dev")["livestream:channels"]
    channels["main"].update(segmentSeconds=2, lowLatencyHls=True)
    return run_stack("dev", channels=channels)


def resource_id(resource: offline.PlannedResource) -> str:
    """The physical id the mocks gave a resource (the fakes' default is "<name>-id")."""
    return str(resource.outputs.get("id") or f"{resource.name}-id")


def behaviours(distribution: offline.PlannedResource) -> list[dict[str, Any]]:
    return [distribution.inputs["defaultCacheBehavior"], *distribution.inputs.get("orderedCacheBehaviors", [])]


def policies_by_id(plan: offline.Plan) -> dict[str, offline.PlannedResource]:
    return {resource_id(p): p for p in plan.of_type(CACHE_POLICY)}


def policy_of(plan: offline.Plan, pattern: str | None) -> offline.PlannedResource:
    distribution = plan.one(DISTRIBUTION)
    for behaviour in behaviours(distribution):
        if behaviour.get("pathPattern") == pattern:
            return policies_by_id(plan)[behaviour["cachePolicyId"]]
    raise LookupError(pattern)


def ttls(policy: offline.PlannedResource) -> tuple[int, int, int]:
    return (policy.inputs["minTtl"], policy.inputs["defaultTtl"], policy.inputs["maxTtl"])


def query_strings(policy: offline.PlannedResource) -> list[str]:
    config = policy.inputs["parametersInCacheKeyAndForwardedToOrigin"]["queryStringsConfig"]
    return list(config.get("queryStrings", {}).get("items", []))


# --- pure -------------------------------------------------------------------------------------


def test_cache_behaviour_plan_puts_low_latency_first() -> None:
    plan = cdn.cache_behaviours(cdn.PackagerOrigin("egress.example", "/out/v1/live", "llhls"))
    assert [(b.path_pattern, b.cache) for b in plan] == [
        ("/out/v1/live/*/llhls/*.m3u8", cdn.LL_HLS_MANIFEST),
        ("/out/v1/live/*.m3u8", cdn.MANIFEST),
        ("/out/v1/live/*.mpd", cdn.MANIFEST),
    ]
    assert len(cdn.cache_behaviours(cdn.PackagerOrigin("egress.example", "/out/v1/live/"))) == 2


def test_query_strings_stay_within_the_quota() -> None:
    for cache in (cdn.MANIFEST, cdn.LL_HLS_MANIFEST, cdn.SEGMENT):
        assert len(cdn.query_strings(cache)) <= cdn.MAX_QUERY_STRINGS
    assert "aws.manifestfilter" in cdn.query_strings(cdn.MANIFEST)
    assert {"_HLS_msn", "_HLS_part", "_HLS_skip", "aws.manifestfilter"} <= set(cdn.query_strings(cdn.LL_HLS_MANIFEST))
    assert cdn.query_strings(cdn.SEGMENT) == ()


# --- the stacks -------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_origin_is_the_channel_group_behind_origin_access_control(stack: str, request: pytest.FixtureRequest) -> None:
    plan: offline.Plan = request.getfixturevalue(f"{stack}_plan")
    oac = plan.one(OAC, f"live-{stack}-cdn-oac")
    assert oac.inputs["originAccessControlOriginType"] == "mediapackagev2"
    assert oac.inputs["signingBehavior"] == "always"
    assert oac.inputs["signingProtocol"] == "sigv4"
    [origin] = [o for o in plan.one(DISTRIBUTION).inputs["origins"] if o["originId"] == cdn.ORIGIN_ID]
    assert origin["domainName"] == plan.one(GROUP).outputs["egressDomain"]
    assert origin["originAccessControlId"] == resource_id(oac)
    custom = origin["customOriginConfig"]
    assert custom["originProtocolPolicy"] == "https-only"
    assert custom["originSslProtocols"] == ["TLSv1.2"]
    timings = ttl.cache_timings(4)
    assert (custom["originReadTimeout"], custom["originKeepaliveTimeout"]) == (
        timings.origin_read_timeout,
        timings.origin_keepalive_timeout,
    )


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_behaviour_is_https_read_only_and_compressed(stack: str, request: pytest.FixtureRequest) -> None:
    plan: offline.Plan = request.getfixturevalue(f"{stack}_plan")
    distribution = plan.one(DISTRIBUTION)
    cors = plan.one(CORS, f"live-{stack}-cdn-cors")
    assert len(behaviours(distribution)) <= cdn.MAX_CACHE_BEHAVIORS
    for behaviour in behaviours(distribution):
        assert behaviour["viewerProtocolPolicy"] in ("redirect-to-https", "https-only")
        assert set(behaviour["allowedMethods"]) == {"GET", "HEAD", "OPTIONS"}
        assert not set(behaviour["allowedMethods"]) & WRITE_METHODS
        assert set(behaviour["cachedMethods"]) == {"GET", "HEAD"}
        assert behaviour["compress"] is True
        assert "forwardedValues" not in behaviour  # cache policies, not legacy forwarding
    media = [b for b in behaviours(distribution) if b.get("pathPattern", "").startswith(f"/out/v1/live-{stack}/")]
    assert len(media) == 3  # m3u8, mpd, segments
    for behaviour in media:
        assert behaviour["responseHeadersPolicyId"] == resource_id(cors)
        assert behaviour["targetOriginId"] == cdn.ORIGIN_ID


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_ttls_equal_the_derived_values(stack: str, request: pytest.FixtureRequest) -> None:
    plan: offline.Plan = request.getfixturevalue(f"{stack}_plan")
    timings = ttl.cache_timings(4)  # both stacks: segmentSeconds 4
    for extension in ("m3u8", "mpd"):
        manifest = policy_of(plan, f"/out/v1/live-{stack}/*.{extension}")
        assert ttls(manifest) == (1, 2, 4) == (timings.manifest_min_ttl, timings.manifest_default_ttl, timings.manifest_max_ttl)
        assert sorted(query_strings(manifest)) == sorted(cdn.MANIFEST_QUERY_STRINGS)
        parameters = manifest.inputs["parametersInCacheKeyAndForwardedToOrigin"]
        assert parameters["enableAcceptEncodingGzip"] and parameters["enableAcceptEncodingBrotli"]
    segments = policy_of(plan, f"/out/v1/live-{stack}/*")
    assert ttls(segments) == (0, 86_400, 1_209_600)
    assert segments.inputs["parametersInCacheKeyAndForwardedToOrigin"]["queryStringsConfig"]["queryStringBehavior"] == "none"
    errors = plan.one(DISTRIBUTION).inputs["customErrorResponses"]
    assert {e["errorCode"] for e in errors} >= {403, 404, 500, 502, 503, 504}
    assert {e["errorCachingMinTtl"] for e in errors} == {timings.error_ttl} == {1}
    assert len(plan.of_type(CACHE_POLICY)) == 3  # manifests, segments, S3 objects: no LL-HLS policy without LL-HLS


def test_low_latency_playlists_are_cached_one_second(low_latency_plan: offline.Plan) -> None:
    plan = low_latency_plan
    ordered = [b["pathPattern"] for b in plan.one(DISTRIBUTION).inputs["orderedCacheBehaviors"]]
    assert ordered[0] == "/out/v1/live-dev/*/llhls/*.m3u8"  # before the generic *.m3u8 behaviour
    ll = policy_of(plan, "/out/v1/live-dev/*/llhls/*.m3u8")
    assert ttls(ll) == (1, 1, 1)
    assert sorted(query_strings(ll)) == sorted(cdn.LL_HLS_QUERY_STRINGS)
    assert ttls(policy_of(plan, "/out/v1/live-dev/*.m3u8")) == (1, 1, 2)  # 2 s segments
    url = plan.exports["playbackUrls"]["main"]["llHls"]
    assert url == f"https://{plan.exports['distributionDomain']}/out/v1/live-dev/main/llhls/index.m3u8"


@pytest.mark.parametrize(
    ("stack", "price_class", "origins"),
    [("dev", "PriceClass_200", ["*"]), ("prod", "PriceClass_200", ["https://www.example.com"])],
)
def test_distribution_per_environment(stack: str, price_class: str, origins: list[str], request: pytest.FixtureRequest) -> None:
    plan: offline.Plan = request.getfixturevalue(f"{stack}_plan")
    inputs = plan.one(DISTRIBUTION).inputs
    assert inputs["priceClass"] == price_class
    assert inputs["httpVersion"] == "http2and3"
    assert inputs["isIpv6Enabled"] is True
    assert inputs["enabled"] is True
    assert inputs["restrictions"]["geoRestriction"]["restrictionType"] == "none"
    assert inputs["viewerCertificate"] == {"cloudfrontDefaultCertificate": True}
    assert not inputs.get("aliases") and not inputs.get("webAclId")
    cors = plan.one(CORS, f"live-{stack}-cdn-cors").inputs["corsConfig"]
    assert cors["accessControlAllowOrigins"]["items"] == origins
    assert cors["accessControlAllowMethods"]["items"] == ["GET", "HEAD", "OPTIONS"]
    assert cors["accessControlAllowCredentials"] is False
    assert cors["originOverride"] is True


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_access_logs_go_to_a_private_encrypted_expiring_bucket(stack: str, request: pytest.FixtureRequest) -> None:
    plan: offline.Plan = request.getfixturevalue(f"{stack}_plan")
    logging = plan.one(DISTRIBUTION).inputs["loggingConfig"]
    bucket = next(b for b in plan.of_type(BUCKET) if b.name == f"live-{stack}-cdn-logs")
    assert logging["bucket"] == bucket.outputs["bucketDomainName"]
    assert logging["includeCookies"] is False
    guards = {r.type.split(":")[-1]: r for r in plan.children(bucket)}
    assert guards["BucketOwnershipControls"].inputs["rule"]["objectOwnership"] == "BucketOwnerPreferred"  # log delivery uses ACLs
    block = guards["BucketPublicAccessBlock"].inputs
    assert all(block[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    encryption = guards["BucketServerSideEncryptionConfiguration"].inputs["rules"][0]
    assert encryption["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"  # standard logging cannot use SSE-KMS
    assert guards["BucketLifecycleConfiguration"].inputs["rules"][0]["expiration"]["days"] == 90
    assert "aws:SecureTransport" in guards["BucketPolicy"].inputs["policy"]
    # the ACL grant for log delivery needs BucketOwnerPreferred in place before the distribution exists
    assert guards["BucketOwnershipControls"].urn in plan.one(DISTRIBUTION).dependencies


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_playback_urls_are_well_formed(stack: str, request: pytest.FixtureRequest) -> None:
    plan: offline.Plan = request.getfixturevalue(f"{stack}_plan")
    distribution = plan.one(DISTRIBUTION)
    assert plan.exports["distributionDomain"] == distribution.outputs["domainName"]
    assert (
        distribution.outputs["arn"] == f"arn:aws:cloudfront::{offline.ACCOUNT_ID}:distribution/{plan.exports['distributionId']}"
    )
    urls = plan.exports["playbackUrls"]["main"]
    assert set(urls) == {"hls", "dash"}
    for kind, extension in (("hls", ".m3u8"), ("dash", ".mpd")):
        parts = urlsplit(urls[kind])
        assert parts.scheme == "https"
        assert parts.netloc == distribution.outputs["domainName"]
        assert parts.path == f"/out/v1/live-{stack}/main/{kind}/index{extension}"
        assert not parts.query and not parts.fragment


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_cloudfront_enums_are_valid_per_botocore(stack: str, request: pytest.FixtureRequest) -> None:
    plan: offline.Plan = request.getfixturevalue(f"{stack}_plan")
    report = botocore_shapes.check("cloudfront", "CreateDistribution", {"DistributionConfig": plan.one(DISTRIBUTION).inputs})
    assert report.invalid == []
    checked = {path.removeprefix("CreateDistribution.DistributionConfig."): value for path, value in report.checked.items()}
    for field in (
        "priceClass",
        "httpVersion",
        "defaultCacheBehavior.viewerProtocolPolicy",
        "defaultCacheBehavior.allowedMethods[2]",
        "defaultCacheBehavior.cachedMethods[0]",
        "orderedCacheBehaviors[0].viewerProtocolPolicy",
        "origins[0].customOriginConfig.originProtocolPolicy",
        "origins[0].customOriginConfig.originSslProtocols[0]",
        "restrictions.geoRestriction.restrictionType",
    ):
        assert field in checked, field
    for token, operation, wrapper in (
        (CACHE_POLICY, "CreateCachePolicy", "CachePolicyConfig"),
        (OAC, "CreateOriginAccessControl", "OriginAccessControlConfig"),
        (CORS, "CreateResponseHeadersPolicy", "ResponseHeadersPolicyConfig"),
    ):
        for resource in plan.of_type(token):
            report = botocore_shapes.check("cloudfront", operation, {wrapper: resource.inputs})
            assert report.invalid == [] and report.checked, resource.name
    for name, origin_type in (("oac", "mediapackagev2"), ("s3-oac", "s3")):
        access = plan.one(OAC, f"live-{stack}-cdn-{name}").inputs
        oac = botocore_shapes.check("cloudfront", "CreateOriginAccessControl", {"OriginAccessControlConfig": access})
        assert {origin_type, "always", "sigv4"} <= set(oac.checked.values())


# --- options ----------------------------------------------------------------------------------


def test_https_only_and_geo_restriction(options_plan: offline.Plan) -> None:
    inputs = options_plan.one(DISTRIBUTION).inputs
    assert {b["viewerProtocolPolicy"] for b in behaviours(options_plan.one(DISTRIBUTION))} == {"https-only"}
    assert inputs["restrictions"]["geoRestriction"] == {"restrictionType": "whitelist", "locations": ["KR", "JP"]}


def test_custom_domain_uses_its_certificate_and_modern_tls(options_plan: offline.Plan) -> None:
    inputs = options_plan.one(DISTRIBUTION).inputs
    assert inputs["aliases"] == ["live.example.com"]
    assert inputs["viewerCertificate"] == {
        "acmCertificateArn": CERTIFICATE,
        "sslSupportMethod": "sni-only",
        "minimumProtocolVersion": "TLSv1.2_2021",
    }
    for url in options_plan.exports["playbackUrls"]["main"].values():
        assert url.startswith("https://live.example.com/out/v1/live-prod/main/")
    assert options_plan.exports["distributionDomain"] == options_plan.one(DISTRIBUTION).outputs["domainName"]


def test_signed_urls_trust_one_key_group_on_every_media_behaviour(options_plan: offline.Plan) -> None:
    key = options_plan.one("aws:cloudfront/publicKey:PublicKey")
    assert key.inputs["encodedKey"] == PUBLIC_KEY
    group = options_plan.one("aws:cloudfront/keyGroup:KeyGroup")
    assert group.inputs["items"] == [resource_id(key)]
    distribution = options_plan.one(DISTRIBUTION)
    for behaviour in distribution.inputs["orderedCacheBehaviors"]:
        assert behaviour["trustedKeyGroups"] == [resource_id(group)]
    assert "trustedKeyGroups" not in distribution.inputs["defaultCacheBehavior"]  # the page itself stays public


def test_waf_and_log_expiry(options_plan: offline.Plan) -> None:
    assert options_plan.one(DISTRIBUTION).inputs["webAclId"] == WEB_ACL
    bucket = next(b for b in options_plan.of_type(BUCKET) if b.name == "live-prod-cdn-logs")
    lifecycle = next(r for r in options_plan.children(bucket) if r.type.endswith("BucketLifecycleConfiguration"))
    assert lifecycle.inputs["rules"][0]["expiration"]["days"] == 30


def test_option_enums_are_valid_per_botocore(options_plan: offline.Plan) -> None:
    report = botocore_shapes.check(
        "cloudfront", "CreateDistribution", {"DistributionConfig": options_plan.one(DISTRIBUTION).inputs}
    )
    assert report.invalid == []
    values = {path.removeprefix("CreateDistribution.DistributionConfig."): v for path, v in report.checked.items()}
    assert values["viewerCertificate.minimumProtocolVersion"] == "TLSv1.2_2021"
    assert values["viewerCertificate.sslSupportMethod"] == "sni-only"
    assert values["restrictions.geoRestriction.restrictionType"] == "whitelist"
    assert values["defaultCacheBehavior.viewerProtocolPolicy"] == "https-only"


# --- S3 origins: the player site at the root, extra paths such as recordings -----------------


SITE = cdn.S3Origin("player-site", "site.s3.example")
RECORDINGS = cdn.S3Origin("recordings", "recordings.s3.example", "recordings/*")


def test_the_player_site_takes_the_default_and_segments_get_their_own_behaviour() -> None:
    origin = cdn.PackagerOrigin("egress.example", "/out/v1/live/")
    assert cdn.default_behaviour() == cdn.Behaviour("*", cdn.SEGMENT)  # no site: as before
    assert cdn.default_behaviour([SITE, RECORDINGS]) == cdn.Behaviour("*", cdn.S3_OBJECT, "player-site", cdn.PAGE_HEADERS)
    assert [(b.path_pattern, b.cache, b.origin_id) for b in cdn.cache_behaviours(origin, [SITE, RECORDINGS])] == [
        ("/out/v1/live/*.m3u8", cdn.MANIFEST, cdn.ORIGIN_ID),
        ("/out/v1/live/*.mpd", cdn.MANIFEST, cdn.ORIGIN_ID),
        ("/out/v1/live/*", cdn.SEGMENT, cdn.ORIGIN_ID),
        ("recordings/*", cdn.S3_OBJECT, "recordings"),
    ]


def test_s3_origins_are_checked_against_the_behaviour_quota_and_one_default() -> None:
    origin = cdn.PackagerOrigin("egress.example", "/out/v1/live/", "llhls")
    with pytest.raises(ValueError, match="only one S3 origin"):
        cdn.default_behaviour([SITE, cdn.S3Origin("other", "other.s3.example")])
    many = [cdn.S3Origin(f"o{i}", "b.s3.example", f"p{i}/*") for i in range(cdn.MAX_CACHE_BEHAVIORS - 5)]
    assert len(cdn.cache_behaviours(origin, [SITE, *many])) + 1 == cdn.MAX_CACHE_BEHAVIORS
    with pytest.raises(ValueError, match="quota of 25"):
        cdn.cache_behaviours(origin, [SITE, *many, cdn.S3Origin("one-too-many", "b.s3.example", "x/*")])


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_root_serves_the_player_site_through_s3_origin_access_control(stack: str, request: pytest.FixtureRequest) -> None:
    plan: offline.Plan = request.getfixturevalue(f"{stack}_plan")
    distribution = plan.one(DISTRIBUTION).inputs
    access = plan.one(OAC, f"live-{stack}-cdn-s3-oac")
    assert (access.inputs["originAccessControlOriginType"], access.inputs["signingBehavior"]) == ("s3", "always")
    site_bucket = next(b for b in plan.of_type(BUCKET) if b.name == f"live-{stack}-site-bucket")
    [site] = [o for o in distribution["origins"] if o["originId"] == "player-site"]
    assert site["domainName"] == site_bucket.outputs["bucketRegionalDomainName"]
    assert site["originAccessControlId"] == resource_id(access)
    assert site["s3OriginConfig"] == {"originAccessIdentity": ""}  # OAC, not a legacy origin access identity
    default = distribution["defaultCacheBehavior"]
    assert default["targetOriginId"] == "player-site"
    assert distribution["defaultRootObject"] == "index.html"
    assert ttls(policies_by_id(plan)[default["cachePolicyId"]]) == cdn.S3_TTLS


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_response_carries_hsts_and_the_page_its_csp(stack: str, request: pytest.FixtureRequest) -> None:
    plan: offline.Plan = request.getfixturevalue(f"{stack}_plan")
    by_id = {resource_id(p): p for p in plan.of_type(CORS)}
    for behaviour in behaviours(plan.one(DISTRIBUTION)):
        hsts = by_id[behaviour["responseHeadersPolicyId"]].inputs["securityHeadersConfig"]["strictTransportSecurity"]
        assert hsts == {"accessControlMaxAgeSec": 31_536_000, "includeSubdomains": False, "preload": False, "override": True}
    page = by_id[plan.one(DISTRIBUTION).inputs["defaultCacheBehavior"]["responseHeadersPolicyId"]].inputs
    origins = stack_config(stack)["livestream:cdn"]["corsOrigins"]
    expected = security.http_headers(security.page_headers(origins))
    config = page["securityHeadersConfig"]
    assert config["contentSecurityPolicy"]["contentSecurityPolicy"] == expected["Content-Security-Policy"]
    assert config["referrerPolicy"]["referrerPolicy"] == expected["Referrer-Policy"]
    assert config["contentTypeOptions"] == {"override": True}
    assert "corsConfig" not in page
    csp = dict(d.split(" ", 1) for d in expected["Content-Security-Policy"].split("; "))
    assert csp["default-src"] == "'none'" and csp["connect-src"] == "'self'" and csp["script-src"] == "'self'"
    assert csp["frame-ancestors"] == ("*" if origins == ["*"] else "'self' https://www.example.com")


# CloudFront developer guide, "Choose the price class for a CloudFront distribution": South Korea's
# edges are in PriceClass_200 and PriceClass_All, not in PriceClass_100.
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/PriceClass.html
KOREAN_EDGES = ("PriceClass_200", "PriceClass_All")


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_stacks_in_seoul_serve_korean_viewers_from_korean_edges(stack: str, request: pytest.FixtureRequest) -> None:
    plan: offline.Plan = request.getfixturevalue(f"{stack}_plan")
    assert plan.config["aws:region"] == "ap-northeast-2"  # the stacks exist for viewers and testers in Korea
    assert plan.one(DISTRIBUTION).inputs["priceClass"] in KOREAN_EDGES
