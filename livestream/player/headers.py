"""Security headers CloudFront adds to viewer responses, as data.

`Cdn` turns these into response headers policies and the browser tests' local server sends
`http_headers(...)` of the same values, so the Content-Security-Policy the tests run the page under
is the one viewers get.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# One year, the value HSTS deployments converge on (RFC 6797 leaves it to the site); no
# includeSubDomains/preload: with a custom domain they would bind the owner's other hosts too.
HSTS_MAX_AGE_SECONDS = 31_536_000
REFERRER_POLICY = "strict-origin-when-cross-origin"  # embedders learn the page's origin, never its query


@dataclass(frozen=True)
class SecurityHeaders:
    """What a response headers policy's security section sets (override=True: ours win over the origin's)."""

    hsts_max_age_seconds: int = HSTS_MAX_AGE_SECONDS
    content_security_policy: str | None = None
    referrer_policy: str | None = None
    content_type_options: bool = False


def frame_ancestors(cors_origins: Sequence[str]) -> tuple[str, ...]:
    """Who may embed the page (the embed snippet): the same sites that may fetch the streams."""
    return ("*",) if "*" in cors_origins else ("'self'", *cors_origins)


def content_security_policy(cors_origins: Sequence[str]) -> str:
    """Only this origin: page, assets, channels.json, recordings.json and every playback path share the distribution.

    `blob:` in media-src is Media Source Extensions (hls.js hands the video element a blob URL);
    `blob:` in worker-src is hls.js's transmuxing worker, which it builds from a blob URL.
    CSP host sources cannot name a path without naming the host, and the host (the distribution's
    own domain) exists only after the policy does, so `'self'` is as narrow as it gets.
    """
    directives = {
        "default-src": ("'none'",),
        "script-src": ("'self'",),
        "style-src": ("'self'",),
        "img-src": ("'self'",),
        "media-src": ("'self'", "blob:"),
        "connect-src": ("'self'",),
        "worker-src": ("blob:",),
        "manifest-src": ("'self'",),
        "base-uri": ("'none'",),
        "form-action": ("'none'",),
        "frame-ancestors": frame_ancestors(cors_origins),
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def page_headers(cors_origins: Sequence[str]) -> SecurityHeaders:
    """The player site's responses: CSP, HSTS, nosniff and a referrer policy."""
    return SecurityHeaders(
        content_security_policy=content_security_policy(cors_origins),
        referrer_policy=REFERRER_POLICY,
        content_type_options=True,
    )


MEDIA_HEADERS = SecurityHeaders()  # manifests, segments, recordings: HSTS (issue 12 point 8); CORS stays as it was


def http_headers(headers: SecurityHeaders) -> dict[str, str]:
    """The header lines CloudFront sends for a policy built from `headers`."""
    lines = {"Strict-Transport-Security": f"max-age={headers.hsts_max_age_seconds}"}
    if headers.content_security_policy:
        lines["Content-Security-Policy"] = headers.content_security_policy
    if headers.referrer_policy:
        lines["Referrer-Policy"] = headers.referrer_policy
    if headers.content_type_options:
        lines["X-Content-Type-Options"] = "nosniff"
    return lines
