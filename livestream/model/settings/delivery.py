"""`cdn`: how viewers reach the streams through the shared CloudFront distribution."""

from __future__ import annotations

import re
from typing import Any

from livestream.model.settings import readers as r
from livestream.model.settings.errors import ConfigError
from livestream.model.settings.fields import read_declared, section, section_of, setting

PRICE_CLASSES = ("PriceClass_100", "PriceClass_200", "PriceClass_All")
VIEWER_PROTOCOLS = ("redirect-to-https", "https-only")
GEO_RESTRICTIONS = ("whitelist", "blacklist")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


@section()
class GeoRestriction:
    restriction_type: str = setting(
        default="whitelist", read=r.choice(GEO_RESTRICTIONS), why="a list of allowed countries", key="type"
    )
    countries: tuple[str, ...] = setting(default=(), read=r.list_of(r.country), why="no default: at least one country")


@section()
class CustomDomain:
    domain_name: str = setting(default="", read=r.string, why="no default: the name viewers use")
    certificate_arn: Any = setting(default=None, read=r.arn, why="no default: an ACM certificate in us-east-1 is required")


def read_geo(key: str, raw: Any) -> GeoRestriction:
    section = section_of(GeoRestriction, key, raw)
    values = read_declared(GeoRestriction, section)
    if not values["countries"]:
        raise ConfigError(section.key("countries"), [], "list at least one country code")
    return GeoRestriction(**values)


def read_domain(key: str, raw: Any) -> CustomDomain:
    section = section_of(CustomDomain, key, raw)
    domain = section.get("domain_name", r.string, "")
    if not _DOMAIN.match(domain):
        raise ConfigError(section.key("domain_name"), domain or None, "expected a DNS name such as live.example.com")
    if not section.has("certificate_arn"):
        raise ConfigError(section.key("certificate_arn"), None, "required: an ACM certificate ARN in us-east-1")
    certificate = section.get("certificate_arn", r.arn, "")
    if isinstance(certificate, str) and ":us-east-1:" not in certificate:
        raise ConfigError(section.key("certificate_arn"), certificate, "CloudFront needs an ACM certificate in us-east-1")
    return CustomDomain(domain, certificate)


@section()
class CdnSettings:
    price_class: str = setting(
        default="PriceClass_100", read=r.choice(PRICE_CLASSES), why="the cheapest edges (North America, Europe)"
    )
    viewer_protocol: str = setting(
        default="redirect-to-https", read=r.choice(VIEWER_PROTOCOLS), why="old links still work, over HTTPS"
    )
    cors_origins: tuple[str, ...] = setting(
        default=("*",), read=r.list_of(r.cors_origin), why="any web page may embed the player"
    )
    geo_restriction: GeoRestriction | None = setting(default=None, read=read_geo, why="everyone may watch")
    custom_domain: CustomDomain | None = setting(default=None, read=read_domain, why="the distribution's own cloudfront.net name")
    signed_urls_public_key: str | None = setting(default=None, read=r.public_key, why="public streams need no signature")
    web_acl_arn: Any = setting(default=None, read=r.arn, why="no WAF unless given (it bills per request)")
    logs_expire_days: int = setting(default=90, read=r.whole(1, 3650), why="three months of access logs")


def read_cdn(key: str, raw: Any) -> CdnSettings:
    return CdnSettings(**read_declared(CdnSettings, section_of(CdnSettings, key, raw)))
