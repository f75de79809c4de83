"""Cdn: one CloudFront distribution for every channel, the player page and the recordings.

Origins: the channel group's egress domain, signed with an origin access control of type
`mediapackagev2` (sigv4, always sign; the packager's endpoint policies admit this distribution
only), and private S3 buckets (`S3Origin`) signed with an origin access control of type `s3`.
Viewers reach manifests, segments and pages over HTTPS; nothing can be written.

Cache behaviours (first match wins; CloudFront's quota is 25 per distribution):

1. `/out/v1/<group>/*/llhls/*.m3u8` — low-latency HLS playlists, 1 s, with `_HLS_msn`,
   `_HLS_part`, `_HLS_skip` in the cache key (only when some channel has `lowLatencyHls`);
2. `/out/v1/<group>/*.m3u8` and 3. `/out/v1/<group>/*.mpd` — manifests, ½ segment;
4. `/out/v1/<group>/*` — media segments, long-lived;
5. one per extra S3 origin (`recordings/*`), honouring the objects' Cache-Control;
6. default — the player site (`index.html` at `/`), honouring the objects' Cache-Control
   (`livestream.player.site`: a minute for the page and channels.json, a year for hashed assets).

Without a default S3 origin, segments are the default behaviour (as before the player site).
Manifests keep `aws.manifestfilter` and `aws.manifestsettings` (MediaPackage's manifest
filtering and time-shift/startover parameters) in the cache key; segments and S3 objects keep
nothing. Behaviours are shared by all channels rather than repeated per channel, so 1 and 20
channels use the same behaviours and at most four cache policies (CloudFront allows 20 custom
cache policies per account). With mixed segment lengths the shortest sets the default manifest
TTL and the longest the maximum (`livestream.ttl.shared_timings`); MediaPackage sends each
channel's own ½-segment `max-age`, which the policies honour, so every channel still gets its
exact TTL.

Response headers: every response carries Strict-Transport-Security; media (packager and extra S3
origins) keeps its CORS headers; the player site gets the page's Content-Security-Policy
(`livestream.player.headers`, the same values the browser tests serve the page with).

Access logs use CloudFront standard logging to an S3 bucket (SSE-S3, private, TLS-only,
expiring after `logsExpireDays`). That delivery writes through bucket ACLs, so the logs bucket
uses `BucketOwnerPreferred` object ownership; the bucket still blocks every public ACL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from livestream.components import aws
from livestream.components.buckets import Lifecycle, PrivateBucket, private_bucket
from livestream.model.settings import CdnSettings
from livestream.model.ttl import CacheTimings
from livestream.player import headers as security

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
SITE_INDEX = "index.html"  # what `/` serves when the player site is the default origin
# S3 objects: (min, default, max) TTL. min 0 and max a year let each object's Cache-Control decide;
# the default minute covers objects written without one (recordings.json by the indexer).
S3_TTLS = (0, 60, 31_536_000)

MANIFEST = "manifest"
LL_HLS_MANIFEST = "ll-hls-manifest"
SEGMENT = "segment"
S3_OBJECT = "s3-object"
MEDIA_HEADERS = "media"  # CORS + HSTS
PAGE_HEADERS = "page"  # CSP + HSTS + nosniff + referrer policy


@dataclass(frozen=True)
class PackagerOrigin:
    """What the CDN needs to know about the packager; passed in by the platform."""

    domain_name: pulumi.Input[str]  # the channel group's egress domain
    path_prefix: str  # "/out/v1/<group>/"
    low_latency_endpoint: str | None = None  # endpoint name whose playlists are LL-HLS, if any channel has one


@dataclass(frozen=True)
class S3Origin:
    """A private bucket served through origin access control: the player site (default) or a path (`recordings/*`).

    The bucket's owner grants the read (`buckets.cloudfront_read`) once the distribution exists.
    """

    origin_id: str  # unique among the distribution's origins, e.g. "player-site", "recordings"
    domain_name: pulumi.Input[str]  # the bucket's regional domain name
    path_pattern: str | None = None  # None: the default behaviour (the player site)


@dataclass(frozen=True)
class Behaviour:
    path_pattern: str  # "*" for the default behaviour
    cache: str  # MANIFEST, LL_HLS_MANIFEST, SEGMENT or S3_OBJECT
    origin_id: str = ORIGIN_ID
    headers: str = MEDIA_HEADERS


def _site(s3_origins: Sequence[S3Origin]) -> S3Origin | None:
    defaults = [s3 for s3 in s3_origins if s3.path_pattern is None]
    if len(defaults) > 1:
        raise ValueError(f"only one S3 origin can be the default behaviour, got {[s3.origin_id for s3 in defaults]}")
    return defaults[0] if defaults else None


def default_behaviour(s3_origins: Sequence[S3Origin] = ()) -> Behaviour:
    """The player site when there is one, otherwise the packager's segments."""
    site = _site(s3_origins)
    return Behaviour("*", S3_OBJECT, site.origin_id, PAGE_HEADERS) if site else Behaviour("*", SEGMENT)


def cache_behaviours(origin: PackagerOrigin, s3_origins: Sequence[S3Origin] = ()) -> list[Behaviour]:
    """The ordered cache behaviours (first match wins); whatever matches none goes to `default_behaviour`."""
    prefix = origin.path_prefix if origin.path_prefix.endswith("/") else origin.path_prefix + "/"
    behaviours = []
    if origin.low_latency_endpoint:
        behaviours.append(Behaviour(f"{prefix}*/{origin.low_latency_endpoint}/*.m3u8", LL_HLS_MANIFEST))
    behaviours += [Behaviour(f"{prefix}*.{extension}", MANIFEST) for extension in MANIFEST_EXTENSIONS]
    if _site(s3_origins):
        behaviours.append(Behaviour(f"{prefix}*", SEGMENT))  # the default now serves the page
    behaviours += [Behaviour(s3.path_pattern, S3_OBJECT, s3.origin_id) for s3 in s3_origins if s3.path_pattern]
    if len(behaviours) + 1 > MAX_CACHE_BEHAVIORS:
        raise ValueError(f"{len(behaviours) + 1} cache behaviours exceed CloudFront's quota of {MAX_CACHE_BEHAVIORS}")
    return behaviours  # at most 4 + the extra S3 paths + the default, whatever the channel count


def query_strings(cache: str) -> tuple[str, ...]:
    """Query strings in a cache policy's key (and forwarded to the origin)."""
    by_cache: dict[str, tuple[str, ...]] = {
        MANIFEST: MANIFEST_QUERY_STRINGS,
        LL_HLS_MANIFEST: LL_HLS_QUERY_STRINGS,
        SEGMENT: (),
        S3_OBJECT: (),  # `?channel=` is read by the page itself; one cached copy serves every channel
    }
    return by_cache[cache]


def ttls(cache: str, timings: CacheTimings) -> tuple[int, int, int]:
    """(min, default, max) TTL of a cache policy."""
    return {
        MANIFEST: (timings.manifest_min_ttl, timings.manifest_default_ttl, timings.manifest_max_ttl),
        LL_HLS_MANIFEST: (timings.ll_hls_playlist_ttl, timings.ll_hls_playlist_ttl, timings.ll_hls_playlist_ttl),
        SEGMENT: (timings.segment_min_ttl, timings.segment_default_ttl, timings.segment_max_ttl),
        S3_OBJECT: S3_TTLS,
    }[cache]


def _restrictions(settings: CdnSettings) -> cf.DistributionRestrictionsArgs:
    geo = settings.geo_restriction
    return cf.DistributionRestrictionsArgs(
        geo_restriction=cf.DistributionRestrictionsGeoRestrictionArgs(
            restriction_type=geo.restriction_type, locations=list(geo.countries)
        )
        if geo
        else cf.DistributionRestrictionsGeoRestrictionArgs(restriction_type="none")
    )


def _viewer_certificate(settings: CdnSettings) -> cf.DistributionViewerCertificateArgs:
    domain = settings.custom_domain
    if not domain:
        return cf.DistributionViewerCertificateArgs(cloudfront_default_certificate=True)
    return cf.DistributionViewerCertificateArgs(
        acm_certificate_arn=domain.certificate_arn, ssl_support_method="sni-only", minimum_protocol_version=MIN_TLS_VERSION
    )


def security_headers_config(headers: security.SecurityHeaders) -> cf.ResponseHeadersPolicySecurityHeadersConfigArgs:
    """A policy's security section from the page's header data (override: ours win over the origin's)."""
    config = cf.ResponseHeadersPolicySecurityHeadersConfigArgs
    return config(
        strict_transport_security=cf.ResponseHeadersPolicySecurityHeadersConfigStrictTransportSecurityArgs(
            access_control_max_age_sec=headers.hsts_max_age_seconds, include_subdomains=False, preload=False, override=True
        ),
        content_security_policy=cf.ResponseHeadersPolicySecurityHeadersConfigContentSecurityPolicyArgs(
            content_security_policy=headers.content_security_policy, override=True
        )
        if headers.content_security_policy
        else None,
        referrer_policy=cf.ResponseHeadersPolicySecurityHeadersConfigReferrerPolicyArgs(
            referrer_policy=headers.referrer_policy, override=True
        )
        if headers.referrer_policy
        else None,
        content_type_options=cf.ResponseHeadersPolicySecurityHeadersConfigContentTypeOptionsArgs(override=True)
        if headers.content_type_options
        else None,
    )


class Cdn(pulumi.ComponentResource):
    """The shared CloudFront distribution in front of the packager and the S3 origins (player site, recordings)."""

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
        s3_origins: Sequence[S3Origin] = (),
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("livestream:index:Cdn", name, None, opts)
        self.settings = settings
        self.timings = timings
        default, behaviours = default_behaviour(s3_origins), cache_behaviours(origin, s3_origins)
        caches = dict.fromkeys(b.cache for b in (default, *behaviours))  # a policy only for what is used
        self._cache_policies = {cache: self._cache_policy(name, cache, timings) for cache in caches}
        self._header_policies = self._headers_policies(name, settings, {b.headers for b in (default, *behaviours)})
        self._key_group_ids = self._key_groups(name, settings)
        logs = self._logs_bucket(name, settings)
        distribution = cf.Distribution(
            f"{name}-distribution",
            **self._distribution_args(name, origin, s3_origins, default, behaviours, logs),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[logs.bucket, *logs.guards]),
        )
        self._publish(distribution, logs)

    def _publish(self, distribution: cf.Distribution, logs: PrivateBucket) -> None:
        domain = self.settings.custom_domain
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

    def _logs_bucket(self, name: str, settings: CdnSettings) -> PrivateBucket:
        return private_bucket(
            f"{name}-logs",
            lifecycle=Lifecycle(glacier_after_days=None, expire_after_days=settings.logs_expire_days),
            parent=self,
            retain_on_delete=False,
            versioned=False,
            object_ownership="BucketOwnerPreferred",
        )

    def _distribution_args(
        self,
        name: str,
        origin: PackagerOrigin,
        s3_origins: Sequence[S3Origin],
        default: Behaviour,
        behaviours: list[Behaviour],
        logs: PrivateBucket,
    ) -> dict[str, Any]:
        settings = self.settings
        domain = settings.custom_domain
        return {
            "enabled": True,
            "comment": f"Live HLS/DASH for {name}",
            "is_ipv6_enabled": True,
            "http_version": "http2and3",
            "price_class": settings.price_class,
            "aliases": [domain.domain_name] if domain else None,
            "default_root_object": SITE_INDEX if default.origin_id != ORIGIN_ID else None,
            "origins": [self._packager_origin(name, origin), *self._s3_origins(name, s3_origins)],
            "default_cache_behavior": cf.DistributionDefaultCacheBehaviorArgs(**self._serving(default)),
            "ordered_cache_behaviors": [
                cf.DistributionOrderedCacheBehaviorArgs(path_pattern=behaviour.path_pattern, **self._serving(behaviour))
                for behaviour in behaviours
            ],
            "custom_error_responses": [
                cf.DistributionCustomErrorResponseArgs(error_code=code, error_caching_min_ttl=self.timings.error_ttl)
                for code in ERROR_CODES
            ],
            "restrictions": _restrictions(settings),
            "viewer_certificate": _viewer_certificate(settings),
            "web_acl_id": settings.web_acl_arn,
            "logging_config": cf.DistributionLoggingConfigArgs(
                bucket=logs.bucket.bucket_domain_name, include_cookies=False, prefix=LOGS_PREFIX
            ),
        }

    def _serving(self, behaviour: Behaviour) -> dict[str, Any]:
        """What every behaviour shares: HTTPS, read-only methods, compression, signing; origin, cache and headers differ."""
        return {
            "target_origin_id": behaviour.origin_id,
            "viewer_protocol_policy": self.settings.viewer_protocol,
            "allowed_methods": list(VIEWER_METHODS),
            "cached_methods": list(CACHED_METHODS),
            "cache_policy_id": self._cache_policies[behaviour.cache].id,
            "response_headers_policy_id": self._header_policies[behaviour.headers].id,
            "compress": True,
            # the page and its assets stay public even when playback needs signed URLs
            "trusted_key_groups": None if behaviour.headers == PAGE_HEADERS else self._key_group_ids,
        }

    def _access_control(self, resource_name: str, origin_type: str, description: str) -> cf.OriginAccessControl:
        """An origin access control that always signs with sigv4; only the origin type differs."""
        return cf.OriginAccessControl(
            resource_name,
            description=description,
            origin_access_control_origin_type=origin_type,
            signing_behavior="always",
            signing_protocol="sigv4",
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _packager_origin(self, name: str, origin: PackagerOrigin) -> cf.DistributionOriginArgs:
        access = self._access_control(f"{name}-oac", "mediapackagev2", "CloudFront signs every request to MediaPackage v2")
        return cf.DistributionOriginArgs(
            origin_id=ORIGIN_ID,
            domain_name=origin.domain_name,
            origin_access_control_id=access.id,
            custom_origin_config=cf.DistributionOriginCustomOriginConfigArgs(
                http_port=80,
                https_port=443,
                origin_protocol_policy="https-only",
                origin_ssl_protocols=list(ORIGIN_TLS_VERSIONS),
                origin_read_timeout=self.timings.origin_read_timeout,
                origin_keepalive_timeout=self.timings.origin_keepalive_timeout,
            ),
        )

    def _s3_origins(self, name: str, s3_origins: Sequence[S3Origin]) -> list[cf.DistributionOriginArgs]:
        """Private buckets read through one origin access control of type s3 (sigv4, always sign).

        https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
        — the origin keeps an S3 origin config with an empty origin access identity; each bucket's policy
        admits cloudfront.amazonaws.com with aws:SourceArn = this distribution (`buckets.cloudfront_read`).
        """
        if not s3_origins:
            return []
        access = self._access_control(
            f"{name}-s3-oac", "s3", "CloudFront signs every request to the player site and recordings buckets"
        )
        return [
            cf.DistributionOriginArgs(
                origin_id=s3.origin_id,
                domain_name=s3.domain_name,
                origin_access_control_id=access.id,
                s3_origin_config=cf.DistributionOriginS3OriginConfigArgs(origin_access_identity=""),
            )
            for s3 in s3_origins
        ]

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

    def _headers_policies(self, name: str, settings: CdnSettings, wanted: Iterable[str]) -> dict[str, cf.ResponseHeadersPolicy]:
        """HSTS everywhere (issue 12 point 8); CORS for media; the page's CSP for the player site."""
        policies = {}
        if MEDIA_HEADERS in wanted:
            policies[MEDIA_HEADERS] = self._cors_policy(name, settings)
        if PAGE_HEADERS in wanted:
            policies[PAGE_HEADERS] = cf.ResponseHeadersPolicy(
                f"{name}-page-headers",
                comment="Player page: CSP (this origin only), HSTS, nosniff, referrer policy",
                security_headers_config=security_headers_config(security.page_headers(settings.cors_origins)),
                opts=pulumi.ResourceOptions(parent=self),
            )
        return policies

    def _cors_policy(self, name: str, settings: CdnSettings) -> cf.ResponseHeadersPolicy:
        return cf.ResponseHeadersPolicy(
            f"{name}-cors",
            comment="CORS for web players, HSTS",
            security_headers_config=security_headers_config(security.MEDIA_HEADERS),
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
