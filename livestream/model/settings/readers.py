"""Validators: `(key as the user spelt it, raw value) -> value`, or a `ConfigError` saying what is allowed."""

from __future__ import annotations

import ipaddress
import math
import re
import zoneinfo
from collections.abc import Callable
from typing import Any, TypeVar

from livestream.model import cron
from livestream.model.settings import unknowable
from livestream.model.settings.errors import ConfigError

T = TypeVar("T")

_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_ORIGIN = re.compile(r"^https?://[^/\s]+$")
# Resource names, the packager channel group and the dashboard are derived from the platform name.
_PLATFORM_NAME = re.compile(r"^[a-z][a-z0-9-]{0,38}[a-z0-9]$")
_STREAM_KEY = re.compile(r"^[^\s/?#]{8,128}$")  # one URL path segment


def matching(pattern: re.Pattern[str], expected: str) -> Callable[[str, Any], str]:
    """A string that `pattern` matches; `expected` says what is allowed."""

    def read(key: str, value: Any) -> str:
        if not isinstance(value, str) or not pattern.match(value):
            raise ConfigError(key, value, expected)
        return value

    return read


def choice(choices: tuple[Any, ...]) -> Callable[[str, Any], Any]:
    def read(key: str, value: Any) -> Any:
        if value not in choices:
            raise ConfigError(key, value, "allowed values are " + ", ".join(map(str, choices)))
        return value

    return read


def whole(low: int, high: int) -> Callable[[str, Any], int]:
    """A whole number from `low` to `high` (true/false are not numbers)."""

    def read(key: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(key, value, f"expected a whole number from {low} to {high}")
        return value

    return read


def number(*, above: float | None = None, low: float | None = None, high: float = math.inf) -> Callable[[str, Any], float]:
    """A number strictly `above` a bound, or from `low` to `high`."""

    def read(key: str, value: Any) -> float:
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        if is_number and (above is None or value > above) and (low is None or value >= low) and value <= high:
            return float(value)
        if above is not None:
            raise ConfigError(key, value, f"expected a number greater than {above:g}")
        limit = f" to {high:g}" if high < math.inf else " or more"
        raise ConfigError(key, value, f"expected a number of {low:g}{limit}")

    return read


positive_number = number(above=0)
non_negative_number = number(low=0)


def boolean(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(key, value, "expected true or false")
    return value


def string(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(key, value, "expected a non-empty string")
    return value


def list_of(read_item: Callable[[str, Any], T]) -> Callable[[str, Any], tuple[T, ...]]:
    def read(key: str, value: Any) -> tuple[T, ...]:
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise ConfigError(key, value, "expected a list")
        return tuple(unknowable.read(read_item, f"{key}[{i}]", item, item) for i, item in enumerate(value))

    return read


def is_output(value: Any) -> bool:
    """Library users may pass an ARN as a Pulumi Output; it is resolved at deploy time."""
    return hasattr(value, "apply") and not isinstance(value, str)


_arn = matching(_ARN, "expected an ARN such as arn:aws:service:region:account:resource")


def arn(key: str, value: Any) -> Any:
    return value if is_output(value) else _arn(key, value)


email = matching(_EMAIL, "expected an e-mail address such as ops@example.com")


def cidr(key: str, value: Any) -> str:
    try:
        return str(ipaddress.ip_network(value, strict=True))
    except (TypeError, ValueError) as error:
        raise ConfigError(key, value, f"expected a CIDR block such as 203.0.113.0/24 ({error})") from None


def schedule_expression(key: str, value: Any) -> str:
    """EventBridge Scheduler cron(6 fields) or rate(n unit) expression, checked by livestream.model.cron.parse."""
    if not isinstance(value, str):
        raise ConfigError(key, value, "expected cron(min hour day-of-month month day-of-week year) or rate(n minutes)")
    try:
        cron.parse(value)
    except ValueError as error:
        message = str(error).removeprefix(f"{value!r}: ")
        raise ConfigError(key, value, message) from None
    return value


def timezone(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(key, value, "expected an IANA timezone name such as Asia/Seoul")
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(key, value, "expected an IANA timezone name such as Asia/Seoul or UTC") from None
    return value


country = matching(_COUNTRY, "expected an ISO 3166-1 alpha-2 country code such as KR")


def cors_origin(key: str, value: Any) -> str:
    if value != "*" and not (isinstance(value, str) and _ORIGIN.match(value)):
        raise ConfigError(key, value, "expected '*' or an origin such as https://www.example.com")
    return str(value)


def public_key(key: str, value: Any) -> str:
    if not isinstance(value, str) or "BEGIN PUBLIC KEY" not in value:
        raise ConfigError(key, "<key>" if isinstance(value, str) else value, "expected a PEM-encoded RSA public key")
    return value


platform_name = matching(_PLATFORM_NAME, "a platform name is 2-40 lowercase letters, digits or '-', starting with a letter")


def stream_key(key: str, value: Any) -> str:
    if not isinstance(value, str) or not _STREAM_KEY.match(value):
        shown = "<8-128 characters>" if isinstance(value, str) else value  # never echo a key
        raise ConfigError(key, shown, "expected 8-128 characters without spaces, '/', '?' or '#' (set it as a secret)")
    return value
