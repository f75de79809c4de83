"""livestream: a Pulumi component library that deploys a complete AWS live-streaming platform.

The public API is what this module exports. Components load lazily, so importing a pure
module (`livestream.cost`, `livestream.config`) from a policy pack or a CLI stays fast and
never pulls in the provider SDKs.
"""

from importlib import import_module, metadata
from typing import TYPE_CHECKING, Any

try:
    __version__ = metadata.version("livestream")
except metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

_EXPORTS = {
    # the platform and its args
    "LiveStreamPlatform": "livestream.platform",
    "LiveStreamPlatformArgs": "livestream.args",
    "ChannelArgs": "livestream.args",
    "IngestArgs": "livestream.args",
    "RenditionArgs": "livestream.args",
    "ArchiveArgs": "livestream.args",
    "CdnArgs": "livestream.args",
    "GeoRestrictionArgs": "livestream.args",
    "CustomDomainArgs": "livestream.args",
    "AlarmArgs": "livestream.args",
    "AlarmThresholdArgs": "livestream.args",
    "BudgetArgs": "livestream.args",
    "ScheduleArgs": "livestream.args",
    "UsageArgs": "livestream.args",
    # the parts, for users who want only some of them
    "Encoder": "livestream.encoder",
    "ArchiveTarget": "livestream.encoder",
    "Archive": "livestream.archive",
    "Packager": "livestream.packager",
    "Cdn": "livestream.cdn",
    "Alarms": "livestream.alarms",
    "Scheduler": "livestream.scheduler",
    # settings and errors
    "ConfigError": "livestream.config",
    "Settings": "livestream.config",
    "ChannelSettings": "livestream.config",
    "load_settings": "livestream.config",
}

__all__ = [
    "AlarmArgs",
    "AlarmThresholdArgs",
    "Alarms",
    "Archive",
    "ArchiveArgs",
    "ArchiveTarget",
    "BudgetArgs",
    "Cdn",
    "CdnArgs",
    "ChannelArgs",
    "ChannelSettings",
    "ConfigError",
    "CustomDomainArgs",
    "Encoder",
    "GeoRestrictionArgs",
    "IngestArgs",
    "LiveStreamPlatform",
    "LiveStreamPlatformArgs",
    "Packager",
    "RenditionArgs",
    "ScheduleArgs",
    "Scheduler",
    "Settings",
    "UsageArgs",
    "__version__",
    "load_settings",
]

if TYPE_CHECKING:
    from livestream.alarms import Alarms
    from livestream.archive import Archive
    from livestream.args import (
        AlarmArgs,
        AlarmThresholdArgs,
        ArchiveArgs,
        BudgetArgs,
        CdnArgs,
        ChannelArgs,
        CustomDomainArgs,
        GeoRestrictionArgs,
        IngestArgs,
        LiveStreamPlatformArgs,
        RenditionArgs,
        ScheduleArgs,
        UsageArgs,
    )
    from livestream.cdn import Cdn
    from livestream.config import ChannelSettings, ConfigError, Settings
    from livestream.config import load as load_settings
    from livestream.encoder import ArchiveTarget, Encoder
    from livestream.packager import Packager
    from livestream.platform import LiveStreamPlatform
    from livestream.scheduler import Scheduler


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'livestream' has no attribute {name!r}")
    value = getattr(import_module(module), "load" if name == "load_settings" else name)
    globals()[name] = value
    return value
