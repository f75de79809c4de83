"""One validated settings model for the platform.

Stack config (camelCase YAML) or component args (snake_case dicts) go in; frozen, typed
settings come out — or a `ConfigError` that names the key, the bad value and what is
allowed. Everything is checked here, before the first resource exists.

Pure module: no Pulumi import.
"""

from __future__ import annotations

import ipaddress
import math
import re
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from livestream.model import cron
from livestream.model import ladder as ladders
from livestream.model.ladder import Ladder, Rendition

T = TypeVar("T")
NONE: tuple[str, ...] = ()  # an empty list default, typed for the readers

PIPELINES = ("SINGLE_PIPELINE", "STANDARD")
PROTOCOLS = ("rtmp", "srt")
PRICE_CLASSES = ("PriceClass_100", "PriceClass_200", "PriceClass_All")
VIEWER_PROTOCOLS = ("redirect-to-https", "https-only")
GEO_RESTRICTIONS = ("whitelist", "blacklist")
FRAMERATES = (24, 25, 30)
MAX_DVR_MINUTES = 14 * 24 * 60  # MediaPackage v2 startover window: 14 days
MAX_BUDGET_EMAILS = 10  # e-mail subscribers per AWS Budgets notification
# A MediaPackage v2 harvest job covers at most 24 hours
# (https://docs.aws.amazon.com/mediapackage/latest/userguide/live-to-vod.html).
MAX_RECORDING_HOURS = 24

# Alarm defaults (threshold, period seconds, evaluation periods). Stacks override per key.
ALARM_DEFAULTS: dict[str, tuple[float, int, int]] = {
    "activeAlerts": (1, 60, 2),
    "inputLoss": (1, 60, 2),
    "droppedFrames": (10, 60, 3),
    "outputErrors": (1, 60, 2),
    "packagerErrors": (5, 60, 3),
    "cdn5xxRate": (5, 300, 1),
    "cdn4xxRate": (15, 300, 2),
}

_CHANNEL_NAME = re.compile(r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$|^[a-z]$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_TAG_KEY = re.compile(r"^[\w.:/=+@ -]{1,128}$")


class ConfigError(ValueError):
    """A setting that cannot be deployed: names the key, the value and what is allowed."""

    def __init__(self, key: str, value: Any, allowed: str) -> None:
        self.key = key
        self.value = value
        self.allowed = allowed
        super().__init__(f"{key}: {value!r} is not valid; {allowed}")


# --- settings -------------------------------------------------------------------------


@dataclass(frozen=True)
class IngestSettings:
    protocol: str = "rtmp"
    allowed_cidrs: tuple[str, ...] = ()
    allow_public: bool = False


@dataclass(frozen=True)
class ChannelSettings:
    name: str
    ingest: IngestSettings
    ladder: Ladder
    ladder_name: str
    pipeline: str = "SINGLE_PIPELINE"
    segment_seconds: int = 4
    gop_seconds: int = 2
    framerate: int = 30
    low_latency_hls: bool = False
    dvr_window_minutes: int = 60
    input_resolution: str = "HD"
    input_max_bitrate: str = "MAX_10_MBPS"

    @property
    def pipeline_count(self) -> int:
        return 2 if self.pipeline == "STANDARD" else 1


@dataclass(frozen=True)
class ArchiveSettings:
    glacier_after_days: int | None = 30
    expire_after_days: int | None = 365
    noncurrent_expire_days: int = 30
    retain_on_delete: bool = True
    kms_key_arn: Any = None
    rollover_seconds: int = 300


@dataclass(frozen=True)
class RecordingSettings:
    """Each broadcast becomes a VOD recording (MediaPackage v2 harvest); lifecycle like the archive.

    `max_hours` is the recording endpoint's startover window: a longer broadcast keeps its last
    `max_hours`. Cold storage is Glacier Instant Retrieval, so old recordings still play.
    """

    enabled: bool = True
    glacier_after_days: int | None = 30
    expire_after_days: int | None = 365
    retain_on_delete: bool = True
    max_hours: int = MAX_RECORDING_HOURS


@dataclass(frozen=True)
class GeoRestriction:
    restriction_type: str
    countries: tuple[str, ...]


@dataclass(frozen=True)
class CustomDomain:
    domain_name: str
    certificate_arn: Any


@dataclass(frozen=True)
class CdnSettings:
    price_class: str = "PriceClass_100"
    viewer_protocol: str = "redirect-to-https"
    cors_origins: tuple[str, ...] = ("*",)
    geo_restriction: GeoRestriction | None = None
    custom_domain: CustomDomain | None = None
    signed_urls_public_key: str | None = None
    web_acl_arn: Any = None
    logs_expire_days: int = 90


@dataclass(frozen=True)
class AlarmThreshold:
    threshold: float
    period_seconds: int
    evaluation_periods: int


@dataclass(frozen=True)
class AlarmSettings:
    emails: tuple[str, ...] = ()
    thresholds: Mapping[str, AlarmThreshold] = field(
        default_factory=lambda: {k: AlarmThreshold(*v) for k, v in ALARM_DEFAULTS.items()}
    )


@dataclass(frozen=True)
class BudgetSettings:
    monthly_usd: float | None = None
    emails: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScheduleSettings:
    timezone: str = "UTC"
    start: str | None = None
    stop: str | None = None
    idle_stop_minutes: int | None = None
    running_notice_hour: int | None = 3

    @property
    def has_stop(self) -> bool:
        return self.stop is not None or self.idle_stop_minutes is not None


@dataclass(frozen=True)
class UsageSettings:
    """Assumptions for the cost estimate; they create no resources."""

    streamed_hours_per_month: float | None = None
    viewer_hours_per_month: float = 0.0
    watched_kbps: float | None = None


@dataclass(frozen=True)
class Settings:
    environment: str
    region: str
    channels: tuple[ChannelSettings, ...]
    archive: ArchiveSettings = ArchiveSettings()
    recordings: RecordingSettings = RecordingSettings()
    cdn: CdnSettings = CdnSettings()
    alarms: AlarmSettings = AlarmSettings()
    budget: BudgetSettings = BudgetSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    usage: UsageSettings = UsageSettings()
    tags: Mapping[str, str] = field(default_factory=dict)

    def channel(self, name: str) -> ChannelSettings:
        return next(c for c in self.channels if c.name == name)


# --- reading ---------------------------------------------------------------------------


def snake(key: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower().replace("__", "_")


def camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


class _Section:
    """A mapping of known fields at a config path; unknown keys are refused on creation."""

    def __init__(self, raw: Any, path: str, fields: tuple[str, ...]) -> None:
        if raw is None:
            raw = {}
        if not isinstance(raw, Mapping):
            raise ConfigError(path, raw, "expected a mapping with keys " + _keys(fields))
        self.path = path
        self.values: dict[str, tuple[str, Any]] = {}
        for key, value in raw.items():
            name = snake(str(key))
            if name not in fields:
                raise ConfigError(_join(path, key), value, "unknown key; allowed keys are " + _keys(fields))
            self.values[name] = (_join(path, key), value)

    def key(self, name: str) -> str:
        return self.values.get(name, (_join(self.path, camel(name)), None))[0]

    def has(self, name: str) -> bool:
        return name in self.values and self.values[name][1] is not None

    def get(self, name: str, read: Callable[[str, Any], T], default: T) -> T:
        if not self.has(name):
            return default
        key, value = self.values[name]
        return read(key, value)

    def get_nullable(self, name: str, read: Callable[[str, Any], T], default: T) -> T | None:
        """Like `get`, but an explicit null switches the feature off."""
        if name in self.values and self.values[name][1] is None:
            return None
        return self.get(name, read, default)


def _join(path: str, key: Any) -> str:
    if not path:
        return str(key)
    return f"{path}{key}" if path.endswith(":") else f"{path}.{key}"


def _keys(fields: tuple[str, ...]) -> str:
    return ", ".join(camel(f) for f in fields)


def _choice(choices: tuple[Any, ...]) -> Callable[[str, Any], Any]:
    def read(key: str, value: Any) -> Any:
        if value not in choices:
            raise ConfigError(key, value, "allowed values are " + ", ".join(map(str, choices)))
        return value

    return read


def _int_range(low: int, high: int) -> Callable[[str, Any], int]:
    def read(key: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(key, value, f"expected a whole number from {low} to {high}")
        return value

    return read


def _number(*, above: float | None = None, low: float | None = None, high: float = math.inf) -> Callable[[str, Any], float]:
    """A number strictly `above` a bound, or from `low` to `high`."""

    def read(key: str, value: Any) -> float:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if number and (above is None or value > above) and (low is None or value >= low) and value <= high:
            return float(value)
        if above is not None:
            raise ConfigError(key, value, f"expected a number greater than {above:g}")
        limit = f" to {high:g}" if high < math.inf else " or more"
        raise ConfigError(key, value, f"expected a number of {low:g}{limit}")

    return read


_positive_number = _number(above=0)
_non_negative_number = _number(low=0)


def _bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(key, value, "expected true or false")
    return value


def _string(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(key, value, "expected a non-empty string")
    return value


def _list(read_item: Callable[[str, Any], T]) -> Callable[[str, Any], tuple[T, ...]]:
    def read(key: str, value: Any) -> tuple[T, ...]:
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise ConfigError(key, value, "expected a list")
        return tuple(read_item(f"{key}[{i}]", item) for i, item in enumerate(value))

    return read


def _is_output(value: Any) -> bool:
    """Library users may pass an ARN as a Pulumi Output; it is resolved at deploy time."""
    return hasattr(value, "apply") and not isinstance(value, str)


def _arn(key: str, value: Any) -> Any:
    if _is_output(value):
        return value
    if not isinstance(value, str) or not _ARN.match(value):
        raise ConfigError(key, value, "expected an ARN such as arn:aws:service:region:account:resource")
    return value


def _email(key: str, value: Any) -> str:
    if not isinstance(value, str) or not _EMAIL.match(value):
        raise ConfigError(key, value, "expected an e-mail address such as ops@example.com")
    return value


def _cidr(key: str, value: Any) -> str:
    try:
        return str(ipaddress.ip_network(value, strict=True))
    except (TypeError, ValueError) as error:
        raise ConfigError(key, value, f"expected a CIDR block such as 203.0.113.0/24 ({error})") from None


def schedule_expression(key: str, value: Any) -> str:
    """EventBridge Scheduler cron(6 fields) or rate(n unit) expression, checked by livestream.cron.parse."""
    if not isinstance(value, str):
        raise ConfigError(key, value, "expected cron(min hour day-of-month month day-of-week year) or rate(n minutes)")
    try:
        cron.parse(value)
    except ValueError as error:
        message = str(error).removeprefix(f"{value!r}: ")
        raise ConfigError(key, value, message) from None
    return value


def _timezone(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(key, value, "expected an IANA timezone name such as Asia/Seoul")
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(key, value, "expected an IANA timezone name such as Asia/Seoul or UTC") from None
    return value


# --- sections --------------------------------------------------------------------------


def _ingest(key: str, raw: Any) -> IngestSettings:
    section = _Section(raw, key, ("protocol", "allowed_cidrs", "allow_public"))
    allow_public = section.get("allow_public", _bool, False)
    cidrs = section.get("allowed_cidrs", _list(_cidr), NONE)
    if not cidrs:
        raise ConfigError(section.key("allowed_cidrs"), list(cidrs), "list at least one CIDR the encoder sends from")
    for i, cidr in enumerate(cidrs):
        if ipaddress.ip_network(cidr).prefixlen == 0 and not allow_public:
            raise ConfigError(
                f"{section.key('allowed_cidrs')}[{i}]",
                cidr,
                f"an open ingest is refused unless {section.key('allow_public')} is true; list the encoder's networks",
            )
    return IngestSettings(section.get("protocol", _choice(PROTOCOLS), "rtmp"), cidrs, allow_public)


def _rendition(key: str, raw: Any) -> Rendition:
    section = _Section(raw, key, ("width", "height", "video_kbps"))
    for name in ("width", "height", "video_kbps"):
        if not section.has(name):
            raise ConfigError(section.key(name), None, "required: each rendition needs width, height and videoKbps")
    width = section.get("width", _int_range(64, 1920), 0)
    height = section.get("height", _int_range(64, 1080), 0)
    for name, value in (("width", width), ("height", height)):
        if value % 2:
            raise ConfigError(section.key(name), value, "H.264 needs an even number of pixels")
    kbps = section.get("video_kbps", _int_range(100, 20_000), 0)
    return Rendition(width, height, kbps * 1000)


def _ladder(key: str, value: Any) -> tuple[str, Ladder]:
    if isinstance(value, str):
        if value not in ladders.PRESETS:
            raise ConfigError(key, value, "allowed presets are " + ", ".join(ladders.PRESETS) + ", or a list of renditions")
        return value, ladders.PRESETS[value]
    renditions = _list(_rendition)(key, value)
    if not 1 <= len(renditions) <= 8:
        raise ConfigError(key, len(renditions), "a ladder has 1 to 8 renditions")
    if len({r.name for r in renditions}) != len(renditions):
        raise ConfigError(key, [r.name for r in renditions], "each rendition needs a distinct height")
    ordered = tuple(sorted(renditions, key=lambda r: -r.height))
    return "custom", ordered


_CHANNEL_FIELDS = (
    "ingest",
    "ladder",
    "renditions",
    "pipeline",
    "segment_seconds",
    "gop_seconds",
    "framerate",
    "low_latency_hls",
    "dvr_window_minutes",
    "input_resolution",
)


def _channel(key: str, name: Any, raw: Any) -> ChannelSettings:
    if not isinstance(name, str) or not _CHANNEL_NAME.match(name):
        raise ConfigError(key, name, "a channel name is 1-32 lowercase letters, digits or '-', starting with a letter")
    section = _Section(raw, key, _CHANNEL_FIELDS)
    if not section.has("ingest"):
        raise ConfigError(section.key("ingest"), None, "required: {protocol: rtmp|srt, allowedCidrs: [...]}")
    if section.has("ladder") and section.has("renditions"):
        raise ConfigError(section.key("renditions"), "...", "give either a ladder preset or renditions, not both")
    ladder_name, ladder = section.get("renditions", _ladder, None) or section.get(
        "ladder", _ladder, ("sd", ladders.PRESETS["sd"])
    )
    segment = section.get("segment_seconds", _int_range(1, 30), 4)
    gop = section.get("gop_seconds", _int_range(1, 10), 2 if segment % 2 == 0 else 1)
    if segment % gop:
        raise ConfigError(
            section.key("segment_seconds"),
            segment,
            f"must be a whole multiple of gopSeconds ({gop}) so every segment starts on a keyframe",
        )
    low_latency = section.get("low_latency_hls", _bool, False)
    if low_latency and segment > 2:
        raise ConfigError(section.key("segment_seconds"), segment, "low-latency HLS needs segments of 1 or 2 seconds")
    derived_resolution = ladders.input_resolution(ladder)
    resolution = section.get("input_resolution", _choice(ladders.INPUT_RESOLUTIONS), derived_resolution)
    if ladders.INPUT_RESOLUTIONS.index(resolution) < ladders.INPUT_RESOLUTIONS.index(derived_resolution):
        raise ConfigError(
            section.key("input_resolution"), resolution, f"the ladder's top rendition needs at least {derived_resolution}"
        )
    return ChannelSettings(
        name=name,
        ingest=section.get("ingest", _ingest, IngestSettings()),
        ladder=ladder,
        ladder_name=ladder_name,
        pipeline=section.get("pipeline", _choice(PIPELINES), "SINGLE_PIPELINE"),
        segment_seconds=segment,
        gop_seconds=gop,
        framerate=section.get("framerate", _choice(FRAMERATES), 30),
        low_latency_hls=low_latency,
        dvr_window_minutes=section.get("dvr_window_minutes", _int_range(0, MAX_DVR_MINUTES), 60),
        input_resolution=resolution,
        input_max_bitrate=ladders.input_max_bitrate(ladder),
    )


def _channels(key: str, raw: Any) -> tuple[ChannelSettings, ...]:
    if not isinstance(raw, Mapping) or not raw:
        raise ConfigError(key, raw, "expected a map of channel name to channel settings, with at least one channel")
    seen: dict[str, str] = {}
    channels = []
    for name, value in raw.items():
        folded = str(name).lower()
        if folded in seen:
            raise ConfigError(f"{key}.{name}", name, f"duplicate channel name (already used as {seen[folded]!r})")
        seen[folded] = str(name)
        channels.append(_channel(f"{key}.{name}", name, value))
    return tuple(channels)


def _retention(section: _Section) -> tuple[int | None, int | None]:
    """(glacierAfterDays, expireAfterDays) of a bucket's lifecycle; null switches a step off."""
    expire = section.get_nullable("expire_after_days", _int_range(1, 36500), 365)
    # Short-lived objects skip Glacier unless asked: its 90-day minimum would cost more than it saves.
    default_glacier = 30 if expire is None or expire > 30 else None
    glacier = section.get_nullable("glacier_after_days", _int_range(0, 3650), default_glacier)
    if glacier is not None and expire is not None and glacier >= expire:
        raise ConfigError(
            section.key("glacier_after_days"), glacier, f"must be fewer days than expireAfterDays ({expire}), or null"
        )
    return glacier, expire


def _archive(key: str, raw: Any) -> ArchiveSettings:
    section = _Section(
        raw,
        key,
        (
            "glacier_after_days",
            "expire_after_days",
            "noncurrent_expire_days",
            "retain_on_delete",
            "kms_key_arn",
            "rollover_seconds",
        ),
    )
    glacier, expire = _retention(section)
    return ArchiveSettings(
        glacier_after_days=glacier,
        expire_after_days=expire,
        noncurrent_expire_days=section.get("noncurrent_expire_days", _int_range(1, 3650), 30),
        retain_on_delete=section.get("retain_on_delete", _bool, True),
        kms_key_arn=section.get("kms_key_arn", _arn, None),
        rollover_seconds=section.get("rollover_seconds", _int_range(60, 86_400), 300),
    )


def _recordings(key: str, raw: Any) -> RecordingSettings:
    section = _Section(raw, key, ("enabled", "glacier_after_days", "expire_after_days", "retain_on_delete", "max_hours"))
    glacier, expire = _retention(section)
    return RecordingSettings(
        enabled=section.get("enabled", _bool, True),
        glacier_after_days=glacier,
        expire_after_days=expire,
        retain_on_delete=section.get("retain_on_delete", _bool, True),
        max_hours=section.get("max_hours", _int_range(1, MAX_RECORDING_HOURS), MAX_RECORDING_HOURS),
    )


def _country(key: str, value: Any) -> str:
    if not isinstance(value, str) or not _COUNTRY.match(value):
        raise ConfigError(key, value, "expected an ISO 3166-1 alpha-2 country code such as KR")
    return value


def _geo(key: str, raw: Any) -> GeoRestriction:
    section = _Section(raw, key, ("type", "countries"))
    countries = section.get("countries", _list(_country), NONE)
    if not countries:
        raise ConfigError(section.key("countries"), list(countries), "list at least one country code")
    return GeoRestriction(section.get("type", _choice(GEO_RESTRICTIONS), "whitelist"), countries)


def _domain(key: str, raw: Any) -> CustomDomain:
    section = _Section(raw, key, ("domain_name", "certificate_arn"))
    domain = section.get("domain_name", _string, "")
    if not _DOMAIN.match(domain):
        raise ConfigError(section.key("domain_name"), domain or None, "expected a DNS name such as live.example.com")
    if not section.has("certificate_arn"):
        raise ConfigError(section.key("certificate_arn"), None, "required: an ACM certificate ARN in us-east-1")
    certificate = section.get("certificate_arn", _arn, "")
    if isinstance(certificate, str) and ":us-east-1:" not in certificate:
        raise ConfigError(section.key("certificate_arn"), certificate, "CloudFront needs an ACM certificate in us-east-1")
    return CustomDomain(domain, certificate)


def _public_key(key: str, value: Any) -> str:
    if not isinstance(value, str) or "BEGIN PUBLIC KEY" not in value:
        raise ConfigError(key, "<key>" if isinstance(value, str) else value, "expected a PEM-encoded RSA public key")
    return value


def _cors_origin(key: str, value: Any) -> str:
    if value != "*" and not (isinstance(value, str) and re.match(r"^https?://[^/\s]+$", value)):
        raise ConfigError(key, value, "expected '*' or an origin such as https://www.example.com")
    return str(value)


def _cdn(key: str, raw: Any) -> CdnSettings:
    section = _Section(
        raw,
        key,
        (
            "price_class",
            "viewer_protocol",
            "cors_origins",
            "geo_restriction",
            "custom_domain",
            "signed_urls_public_key",
            "web_acl_arn",
            "logs_expire_days",
        ),
    )
    return CdnSettings(
        price_class=section.get("price_class", _choice(PRICE_CLASSES), "PriceClass_100"),
        viewer_protocol=section.get("viewer_protocol", _choice(VIEWER_PROTOCOLS), "redirect-to-https"),
        cors_origins=section.get("cors_origins", _list(_cors_origin), ("*",)),
        geo_restriction=section.get("geo_restriction", _geo, None),
        custom_domain=section.get("custom_domain", _domain, None),
        signed_urls_public_key=section.get("signed_urls_public_key", _public_key, None),
        web_acl_arn=section.get("web_acl_arn", _arn, None),
        logs_expire_days=section.get("logs_expire_days", _int_range(1, 3650), 90),
    )


def _threshold(key: str, raw: Any, default: AlarmThreshold) -> AlarmThreshold:
    section = _Section(raw, key, ("threshold", "period_seconds", "evaluation_periods"))
    period = section.get("period_seconds", _int_range(10, 86_400), default.period_seconds)
    if period not in (10, 20, 30) and period % 60:
        raise ConfigError(section.key("period_seconds"), period, "CloudWatch periods are 10, 20, 30 or a multiple of 60")
    return AlarmThreshold(
        threshold=section.get("threshold", _non_negative_number, default.threshold),
        period_seconds=period,
        evaluation_periods=section.get("evaluation_periods", _int_range(1, 100), default.evaluation_periods),
    )


def _thresholds(key: str, raw: Any) -> dict[str, AlarmThreshold]:
    """The default thresholds with the stack's overrides; unknown alarm names are refused."""
    if not isinstance(raw, Mapping):
        raise ConfigError(key, raw, "expected a map of alarm name to {threshold, periodSeconds, evaluationPeriods}")
    thresholds = dict(AlarmSettings().thresholds)
    for name, value in raw.items():
        if name not in thresholds:
            raise ConfigError(f"{key}.{name}", value, "unknown alarm; allowed alarms are " + ", ".join(thresholds))
        thresholds[name] = _threshold(f"{key}.{name}", value, thresholds[name])
    return thresholds


def _alarms(key: str, raw: Any) -> AlarmSettings:
    section = _Section(raw, key, ("emails", "thresholds"))
    return AlarmSettings(
        section.get("emails", _list(_email), NONE), section.get("thresholds", _thresholds, AlarmSettings().thresholds)
    )


def _budget(key: str, raw: Any) -> BudgetSettings:
    section = _Section(raw, key, ("monthly_usd", "emails"))
    emails = section.get("emails", _list(_email), NONE)
    if len({e.lower() for e in emails}) > MAX_BUDGET_EMAILS:
        raise ConfigError(section.key("emails"), list(emails), f"AWS Budgets notifies at most {MAX_BUDGET_EMAILS} addresses")
    return BudgetSettings(section.get("monthly_usd", _positive_number, None), emails)


def _schedule(key: str, raw: Any) -> ScheduleSettings:
    section = _Section(raw, key, ("timezone", "start", "stop", "idle_stop_minutes", "running_notice_hour"))
    start = section.get("start", schedule_expression, None)
    stop = section.get("stop", schedule_expression, None)
    idle = section.get("idle_stop_minutes", _int_range(10, 1440), None)
    if start is not None and start == stop:
        raise ConfigError(section.key("stop"), stop, "the stop expression must differ from start")
    if start is not None and stop is None and idle is None:
        raise ConfigError(
            section.key("stop"), None, "a start schedule needs a stop expression or idleStopMinutes, or channels run forever"
        )
    return ScheduleSettings(
        timezone=section.get("timezone", _timezone, "UTC"),
        start=start,
        stop=stop,
        idle_stop_minutes=idle,
        running_notice_hour=section.get_nullable("running_notice_hour", _int_range(0, 23), 3),
    )


def _usage(key: str, raw: Any) -> UsageSettings:
    section = _Section(raw, key, ("streamed_hours_per_month", "viewer_hours_per_month", "watched_kbps"))
    return UsageSettings(
        streamed_hours_per_month=section.get("streamed_hours_per_month", _number(low=0, high=744), None),
        viewer_hours_per_month=section.get("viewer_hours_per_month", _non_negative_number, 0.0),
        watched_kbps=section.get("watched_kbps", _positive_number, None),
    )


def _tags(key: str, raw: Any) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        raise ConfigError(key, raw, "expected a map of tag key to value")
    for name, value in raw.items():
        if not isinstance(name, str) or not _TAG_KEY.match(name) or name.startswith("aws:"):
            raise ConfigError(f"{key}.{name}", name, "tag keys are 1-128 characters and may not start with 'aws:'")
        if not isinstance(value, str) or len(value) > 256:
            raise ConfigError(f"{key}.{name}", value, "tag values are strings of at most 256 characters")
    return dict(raw)


SECTIONS = ("channels", "archive", "recordings", "cdn", "alarms", "budget", "schedule", "usage", "tags", "environment")


def load(raw: Mapping[str, Any], *, environment: str, region: str, prefix: str = "") -> Settings:
    """Validate a whole platform's settings; `prefix` is how error keys are spelt (e.g. 'livestream:')."""
    top = _Section(raw, prefix, SECTIONS)
    if not top.has("channels"):
        raise ConfigError(top.key("channels"), None, "required: a map of channel name to channel settings")
    return Settings(
        environment=top.get("environment", _string, environment),
        region=region,
        channels=top.get("channels", _channels, ()),
        archive=top.get("archive", _archive, ArchiveSettings()),
        recordings=top.get("recordings", _recordings, RecordingSettings()),
        cdn=top.get("cdn", _cdn, CdnSettings()),
        alarms=top.get("alarms", _alarms, AlarmSettings()),
        budget=top.get("budget", _budget, BudgetSettings()),
        schedule=top.get("schedule", _schedule, ScheduleSettings()),
        usage=top.get("usage", _usage, UsageSettings()),
        tags=top.get("tags", _tags, {}),
    )
