"""One validated settings model for the platform.

Stack config (camelCase YAML) or component args (snake_case dicts) go in; frozen, typed
settings come out — or a `ConfigError` that names the key, the bad value and what is
allowed. Everything is checked here, before the first resource exists.

Each setting is declared once, as a field of its section's dataclass: key, default with its
reason, and validator (`fields.setting`). To add one, add a field to the section's class in
`channels`, `archive`, `recordings`, `delivery` or `operations` (and document it in components/args.py and
the README; tests/model/settings/test_declarations.py checks both agree with the declaration).

Pure package: no Pulumi import.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from livestream.model.settings import readers as r
from livestream.model.settings import unknowable
from livestream.model.settings.archive import ArchiveSettings, read_archive
from livestream.model.settings.channels import (
    FRAMERATES,
    MAX_DVR_MINUTES,
    PIPELINES,
    PROTOCOLS,
    ChannelSettings,
    IngestSettings,
    read_channels,
)
from livestream.model.settings.delivery import (
    GEO_RESTRICTIONS,
    PRICE_CLASSES,
    VIEWER_PROTOCOLS,
    CdnSettings,
    CustomDomain,
    GeoRestriction,
    read_cdn,
)
from livestream.model.settings.errors import ConfigError
from livestream.model.settings.fields import camel, keys, read_declared, section, section_of, setting, snake
from livestream.model.settings.operations import (
    ALARM_DEFAULTS,
    MAX_BUDGET_EMAILS,
    AlarmSettings,
    AlarmThreshold,
    BudgetSettings,
    ScheduleSettings,
    UsageSettings,
    read_alarms,
    read_budget,
    read_schedule,
    read_tags,
    read_usage,
)
from livestream.model.settings.readers import schedule_expression
from livestream.model.settings.record import REGION, as_args
from livestream.model.settings.recordings import MAX_RECORDING_HOURS, RecordingSettings, read_recordings
from livestream.model.settings.unknowable import placeholders

__all__ = [
    "ALARM_DEFAULTS",
    "FRAMERATES",
    "GEO_RESTRICTIONS",
    "MAX_BUDGET_EMAILS",
    "MAX_DVR_MINUTES",
    "MAX_RECORDING_HOURS",
    "PIPELINES",
    "PRICE_CLASSES",
    "PROTOCOLS",
    "SECTIONS",
    "STRING_SECTIONS",
    "VIEWER_PROTOCOLS",
    "WHILE_LIVE",
    "AlarmSettings",
    "AlarmThreshold",
    "ArchiveSettings",
    "BudgetSettings",
    "CdnSettings",
    "ChannelSettings",
    "ConfigError",
    "CustomDomain",
    "GeoRestriction",
    "IngestSettings",
    "RecordingSettings",
    "ScheduleSettings",
    "Settings",
    "UsageSettings",
    "as_args",
    "camel",
    "load",
    "load_recorded",
    "placeholders",
    "platform_name",
    "schedule_expression",
    "snake",
]


WHILE_LIVE = ("refuse", "allow")  # what a deployment does when a channel it would change is live


@section(kw_only=True)
class Settings:
    """A whole platform's settings: the `livestream:` namespace of a stack, or the component's args."""

    channels: tuple[ChannelSettings, ...] = setting(
        read=read_channels, required="a map of channel name to channel settings", why="no default: at least one channel"
    )
    archive: ArchiveSettings = setting(default=ArchiveSettings(), read=read_archive, why="see ArchiveSettings")
    recordings: RecordingSettings = setting(default=RecordingSettings(), read=read_recordings, why="see RecordingSettings")
    cdn: CdnSettings = setting(default=CdnSettings(), read=read_cdn, why="see CdnSettings")
    alarms: AlarmSettings = setting(default=AlarmSettings(), read=read_alarms, why="see AlarmSettings")
    budget: BudgetSettings = setting(default=BudgetSettings(), read=read_budget, why="see BudgetSettings")
    schedule: ScheduleSettings = setting(default=ScheduleSettings(), read=read_schedule, why="see ScheduleSettings")
    usage: UsageSettings = setting(default=UsageSettings(), read=read_usage, why="see UsageSettings")
    tags: Mapping[str, str] = setting(read=read_tags, why="only the platform's own tags", factory=dict)
    environment: str = setting(read=r.string, why="the stack name, given to `load`")
    region: str  # where the platform is deployed: from the provider, not a livestream setting
    name: str | None = setting(
        default=None, read=r.platform_name, why="the resource name (stack: what earlier releases derived, platform_name)"
    )
    protect: bool = setting(default=False, read=r.boolean, why="dev stacks are rebuilt freely; prod turns it on")
    while_live: str = setting(
        default="refuse", read=r.choice(WHILE_LIVE), why="a deployment must not end a broadcast silently (components/live.py)"
    )
    unchecked: tuple[str, ...] = ()  # keys whose values a plan could not know (secrets offline): not validated

    def channel(self, name: str) -> ChannelSettings:
        return next(c for c in self.channels if c.name == name)


SECTIONS = keys(Settings)
# Settings whose value is a plain string: a stack file may write them unquoted (environment: staging).
STRING_SECTIONS = ("environment", "name", "while_live")


def platform_name(settings_name: str | None, *, environment: str | None, stack: str) -> str:
    """The platform's name: set once with `name`; unset, the name earlier releases derived (live-<environment or stack>)."""
    return settings_name or f"live-{environment or stack}"


def load(raw: Mapping[str, Any], *, environment: str, region: str, prefix: str = "") -> Settings:
    """Validate a whole platform's settings; `prefix` is how error keys are spelt (e.g. 'livestream:')."""
    start = unknowable.mark()
    try:
        top = section_of(Settings, prefix, raw)
        environment = top.get("environment", r.string, environment)
        values = read_declared(Settings, top, {"environment": environment})
    finally:
        unchecked = unknowable.since(start)
    return Settings(**values, region=region, unchecked=unchecked)


def load_recorded(recorded: Mapping[str, Any]) -> Settings:
    """A platform's settings back from what it recorded (`as_args`: every setting, its region and environment)."""
    raw = dict(recorded)
    region = raw.pop(REGION, None)
    return load(raw, environment=str(raw.get("environment") or ""), region=str(region or ""))
