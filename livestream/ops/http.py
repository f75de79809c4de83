"""Plain unsigned HTTP GETs, as a viewer makes them (verify, smoke); never raises on an HTTP status."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

TIMEOUT_SECONDS = 15.0  # a CDN edge or origin slower than this is a failure worth reporting
USER_AGENT = "livestream-ops/1"


@dataclass(frozen=True)
class Response:
    url: str
    status: int  # 0: no HTTP answer at all (DNS, refused, timeout)
    body: bytes = b""
    error: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def describe(self) -> str:
        return f"HTTP {self.status}" if self.status else f"no answer ({self.error})"


def get(url: str, *, timeout: float = TIMEOUT_SECONDS) -> Response:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return Response(url, answer.status, answer.read())
    except urllib.error.HTTPError as error:
        return Response(url, error.code, error.read(4096) if error.fp else b"")
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        return Response(url, 0, error=str(getattr(error, "reason", error)))
