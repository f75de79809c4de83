"""Cdn: one CloudFront distribution for every channel, reading MediaPackage v2 through origin access control.

The single origin is the channel group's egress domain, signed with an origin access control of
type `mediapackagev2` (sigv4, always sign); the packager's endpoint policies admit this
distribution only. Viewers reach manifests and segments over HTTPS; nothing can be written.

Cache behaviours (first match wins; CloudFront's quota is 25 per distribution):

1. `/out/v1/<group>/*/llhls/*.m3u8` — low-latency HLS playlists, 1 s, with `_HLS_msn`,
   `_HLS_part`, `_HLS_skip` in the cache key (only when some channel has `lowLatencyHls`);
2. `/out/v1/<group>/*.m3u8` and 3. `/out/v1/<group>/*.mpd` — manifests, ½ segment;
4. default — media segments, long-lived.

Manifests keep `aws.manifestfilter` and `aws.manifestsettings` (MediaPackage's manifest
filtering and time-shift/startover parameters) in the cache key; segments keep nothing.
Behaviours are shared by all channels rather than repeated per channel, so 1 and 20 channels use
the same four behaviours and three cache policies (CloudFront allows 20 custom cache policies
per account). With mixed segment lengths the shortest sets the default manifest TTL and the
longest the maximum (`livestream.ttl.shared_timings`); MediaPackage sends each channel's own
½-segment `max-age`, which the policies honour, so every channel still gets its exact TTL.

Access logs use CloudFront standard logging to an S3 bucket (SSE-S3, private, TLS-only,
expiring after `logsExpireDays`). That delivery writes through bucket ACLs, so the logs bucket
uses `BucketOwnerPreferred` object ownership; the bucket still blocks every public ACL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from livestream.components import aws
from livestream.components.buckets import Lifecycle, private_bucket
from livestream.model.settings import CdnSettings
from livestream.model.ttl import CacheTimings

cf = aws.cloudfront

ORIGIN_ID = "mediapackagev2"
VIEWER_METHODS = ("GET", "HEAD", "OPTIONS")
CACHED_METHODS = ("GET", "HEAD")
MANIFEST_EXTENSIONS = ("m3u8", "mpd")
MANIFEST_QUERY_STRINGS: tuple[str, ...] = ("aws.manifestfilter", "aws.manifestsettings")
LL_HLS_QUERY_STRINGS: tuple[str, ...] = (*MANIFEST_QUERY_STRINGS, "_HLS_msn", "_HLS_part", "_HLS_skip")
MAX_QUERY_STRINGS = 10  # CloudFront quota: query strings per cache policy
MAX_CACHE_BEHAVIORS = 25  # CloudFront quota: cache behaviours per distribution
ERROR_CODES = (400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504)
MIN_TLS_VERSION = "TLSv1.2_2021"
ORIGIN_TLS_VERSIONS = ("TLSv1.2",)
LOGS_PREFIX = "cloudfront/"
CORS_MAX_AGE_SECONDS = 600
CORS_EXPOSE_HEADERS = ("Age", "Content-Length", "Content-Range", "Date")

MANIFEST = "manifest"
LL_HLS_MANIFEST = "ll-hls-manifest"
SEGMENT = "segment"


@dataclass(frozen=True)
class PackagerOrigin:
    """What the CDN needs to know about the packager; passed in by the platform."""

    domain_name: pulumi.Input[str]  # the channel group's egress domain
    path_prefix: str  # "/out/v1/<group>/"
    low_latency_endpoint: str | None = None  # endpoint name whose playlists are LL-HLS, if any channel has one


@dataclass(frozen=True)
class Behaviour:
    path_pattern: str
    cache: str  # MANIFEST or LL_HLS_MANIFEST


def cache_behaviours(origin: PackagerOrigin) -> list[Behaviour]:
    """The ordered cache behaviours (first match wins); segments fall through to the default."""
    prefix = origin.path_prefix if origin.path_prefix.endswith("/") else origin.path_prefix + "/"
    behaviours = []
    if origin.low_latency_endpoint:
        behaviours.append(Behaviour(f"{prefix}*/{origin.low_latency_endpoint}/*.m3u8", LL_HLS_MANIFEST))
    behaviours += [Behaviour(f"{prefix}*.{extension}", MANIFEST) for extension in MANIFEST_EXTENSIONS]
    return behaviours  # at most 3 + the default, whatever the channel count (tests hold it to the quota)


def query_strings(cache: str) -> tuple[str, ...]:
    """Query strings in a cache policy's key (and forwarded to MediaPackage)."""
    by_cache: dict[str, tuple[str, ...]] = {MANIFEST: MANIFEST_QUERY_STRINGS, LL_HLS_MANIFEST: LL_HLS_QUERY_STRINGS, SEGMENT: ()}
    return by_cache[cache]


def ttls(cache: str, timings: CacheTimings) -> tuple[int, int, int]:
    """(min, default, max) TTL of a cache policy."""
    return {
        MANIFEST: (timings.manifest_min_ttl, timings.manifest_default_ttl, timings.manifest_max_ttl),
        LL_HLS_MANIFEST: (timings.ll_hls_playlist_ttl, timings.ll_hls_playlist_ttl, timings.ll_hls_playlist_ttl),
        SEGMENT: (timings.segment_min_ttl, timings.segment_default_ttl, timings.segment_max_ttl),
    }[cache]


class Cdn(pulumi.ComponentResource):
    """The shared CloudFront distribution in front of the packager."""

    distribution_id: pulumi.Output[str]
    distribution_arn: pulumi.Output[str]
    domain_name: pulumi.Output[str]
    viewer_domain: pulumi.Output[str]
    logs_bucket_name: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        settings: CdnSettings,
        *,
        origin: PackagerOrigin,
        timings: CacheTimings,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("livestream:index:Cdn", name, None, opts)
        self.settings = settings
        self.timings = timings
        child = pulumi.ResourceOptions(parent=self)
        access = cf.OriginAccessControl(
            f"{name}-oac",
            description="CloudFront signs every request to MediaPackage v2",
            origin_access_control_origin_type="mediapackagev2",
            signing_behavior="always",
            signing_protocol="sigv4",
            opts=child,
        )
        behaviours = cache_behaviours(origin)
        caches = (SEGMENT, *dict.fromkeys(b.cache for b in behaviours))  # a policy only for what is used
        policies = {cache: self._cache_policy(name, cache, timings) for cache in caches}
        cors = self._cors_policy(name, settings)
        key_groups = self._key_groups(name, settings)
        logs = private_bucket(
            f"{name}-logs",
            lifecycle=Lifecycle(glacier_after_days=None, expire_after_days=settings.logs_expire_days),
            parent=self,
            retain_on_delete=False,
            versioned=False,
            object_ownership="BucketOwnerPreferred",
        )

        def serving(cache: str) -> dict[str, Any]:
            """What every behaviour shares: HTTPS, read-only methods, compression, CORS, signing; only the cache differs."""
            return {
                "target_origin_id": ORIGIN_ID,
                "viewer_protocol_policy": settings.viewer_protocol,
                "allowed_methods": list(VIEWER_METHODS),
                "cached_methods": list(CACHED_METHODS),
                "cache_policy_id": policies[cache].id,
                "response_headers_policy_id": cors.id,
                "compress": True,
                "trusted_key_groups": key_groups,
            }

        domain = settings.custom_domain
        distribution = cf.Distribution(
            f"{name}-distribution",
            enabled=True,
            comment=f"Live HLS/DASH for {name}",
            is_ipv6_enabled=True,
            http_version="http2and3",
            price_class=settings.price_class,
            aliases=[domain.domain_name] if domain else None,
            origins=[
                cf.DistributionOriginArgs(
                    origin_id=ORIGIN_ID,
                    domain_name=origin.domain_name,
                    origin_access_control_id=access.id,
                    custom_origin_config=cf.DistributionOriginCustomOriginConfigArgs(
                        http_port=80,
                        https_port=443,
                        origin_protocol_policy="https-only",
                        origin_ssl_protocols=list(ORIGIN_TLS_VERSIONS),
                        origin_read_timeout=timings.origin_read_timeout,
                        origin_keepalive_timeout=timings.origin_keepalive_timeout,
                    ),
                )
            ],
            default_cache_behavior=cf.DistributionDefaultCacheBehaviorArgs(**serving(SEGMENT)),
            ordered_cache_behaviors=[
                cf.DistributionOrderedCacheBehaviorArgs(path_pattern=behaviour.path_pattern, **serving(behaviour.cache))
                for behaviour in behaviours
            ],
            custom_error_responses=[
                cf.DistributionCustomErrorResponseArgs(error_code=code, error_caching_min_ttl=timings.error_ttl)
                for code in ERROR_CODES
            ],
            restrictions=cf.DistributionRestrictionsArgs(
                geo_restriction=cf.DistributionRestrictionsGeoRestrictionArgs(
                    restriction_type=settings.geo_restriction.restriction_type,
                    locations=list(settings.geo_restriction.countries),
                )
                if settings.geo_restriction
                else cf.DistributionRestrictionsGeoRestrictionArgs(restriction_type="none")
            ),
            viewer_certificate=cf.DistributionViewerCertificateArgs(
                acm_certificate_arn=domain.certificate_arn,
                ssl_support_method="sni-only",
                minimum_protocol_version=MIN_TLS_VERSION,
            )
            if domain
            else cf.DistributionViewerCertificateArgs(cloudfront_default_certificate=True),
            web_acl_id=settings.web_acl_arn,
            logging_config=cf.DistributionLoggingConfigArgs(
                bucket=logs.bucket.bucket_domain_name, include_cookies=False, prefix=LOGS_PREFIX
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[logs.bucket, *logs.guards]),
        )
        self.distribution_id = distribution.id
        self.distribution_arn = distribution.arn
        self.domain_name = distribution.domain_name
        self.viewer_domain = pulumi.Output.from_input(domain.domain_name) if domain else distribution.domain_name
        self.logs_bucket_name = logs.bucket.bucket
        self.register_outputs(
            {
                "distributionId": self.distribution_id,
                "distributionArn": self.distribution_arn,
                "domainName": self.domain_name,
                "logsBucketName": self.logs_bucket_name,
            }
        )

    def url(self, path: pulumi.Input[str]) -> pulumi.Output[str]:
        """The viewer URL of a packager path: https://<custom domain or distribution domain><path>."""
        return pulumi.Output.concat("https://", self.viewer_domain, path)

    def _cache_policy(self, name: str, cache: str, timings: CacheTimings) -> cf.CachePolicy:
        min_ttl, default_ttl, max_ttl = ttls(cache, timings)
        names = query_strings(cache)
        compressible = cache != SEGMENT  # manifests are text; media segments are already compressed
        return cf.CachePolicy(
            f"{name}-{cache}",
            comment=f"live {cache}: TTL {min_ttl}-{max_ttl} s, default {default_ttl} s",
            min_ttl=min_ttl,
            default_ttl=default_ttl,
            max_ttl=max_ttl,
            parameters_in_cache_key_and_forwarded_to_origin=cf.CachePolicyParametersInCacheKeyAndForwardedToOriginArgs(
                cookies_config=cf.CachePolicyParametersInCacheKeyAndForwardedToOriginCookiesConfigArgs(cookie_behavior="none"),
                headers_config=cf.CachePolicyParametersInCacheKeyAndForwardedToOriginHeadersConfigArgs(header_behavior="none"),
                query_strings_config=cf.CachePolicyParametersInCacheKeyAndForwardedToOriginQueryStringsConfigArgs(
                    query_string_behavior="whitelist",
                    query_strings=cf.CachePolicyParametersInCacheKeyAndForwardedToOriginQueryStringsConfigQueryStringsArgs(
                        items=list(names)
                    ),
                )
                if names
                else cf.CachePolicyParametersInCacheKeyAndForwardedToOriginQueryStringsConfigArgs(query_string_behavior="none"),
                enable_accept_encoding_gzip=compressible,
                enable_accept_encoding_brotli=compressible,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _cors_policy(self, name: str, settings: CdnSettings) -> cf.ResponseHeadersPolicy:
        return cf.ResponseHeadersPolicy(
            f"{name}-cors",
            comment="CORS for web players",
            cors_config=cf.ResponseHeadersPolicyCorsConfigArgs(
                access_control_allow_credentials=False,
                access_control_allow_headers=cf.ResponseHeadersPolicyCorsConfigAccessControlAllowHeadersArgs(items=["*"]),
                access_control_allow_methods=cf.ResponseHeadersPolicyCorsConfigAccessControlAllowMethodsArgs(
                    items=list(VIEWER_METHODS)
                ),
                access_control_allow_origins=cf.ResponseHeadersPolicyCorsConfigAccessControlAllowOriginsArgs(
                    items=list(settings.cors_origins)
                ),
                access_control_expose_headers=cf.ResponseHeadersPolicyCorsConfigAccessControlExposeHeadersArgs(
                    items=list(CORS_EXPOSE_HEADERS)
                ),
                access_control_max_age_sec=CORS_MAX_AGE_SECONDS,
                origin_override=True,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _key_groups(self, name: str, settings: CdnSettings) -> list[pulumi.Output[str]] | None:
        """Signed URLs / cookies: a trusted key group holding the configured public key."""
        if not settings.signed_urls_public_key:
            return None
        public_key = cf.PublicKey(
            f"{name}-signing-key",
            encoded_key=settings.signed_urls_public_key,
            comment="Verifies signed URLs and cookies for live playback",
            opts=pulumi.ResourceOptions(parent=self),
        )
        key_group = cf.KeyGroup(
            f"{name}-key-group",
            items=[public_key.id],
            comment="Signers of live playback URLs and cookies",
            opts=pulumi.ResourceOptions(parent=self),
        )
        return [key_group.id]
