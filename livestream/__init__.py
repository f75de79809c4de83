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
    "LiveStreamPlatform": "livestream.components.platform",
    "LiveStreamPlatformArgs": "livestream.components.args",
    "ChannelArgs": "livestream.components.args",
    "IngestArgs": "livestream.components.args",
    "RenditionArgs": "livestream.components.args",
    "ArchiveArgs": "livestream.components.args",
    "CdnArgs": "livestream.components.args",
    "GeoRestrictionArgs": "livestream.components.args",
    "CustomDomainArgs": "livestream.components.args",
    "AlarmArgs": "livestream.components.args",
    "AlarmThresholdArgs": "livestream.components.args",
    "BudgetArgs": "livestream.components.args",
    "ScheduleArgs": "livestream.components.args",
    "UsageArgs": "livestream.components.args",
    # the parts, for users who want only some of them
    "Encoder": "livestream.components.encoder",
    "ArchiveTarget": "livestream.components.encoder",
    "Archive": "livestream.components.archive",
    "Packager": "livestream.components.packager",
    "Cdn": "livestream.components.cdn",
    "Alarms": "livestream.components.alarms",
    "Scheduler": "livestream.components.scheduler",
    "PlayerSite": "livestream.components.site",
    "S3Origin": "livestream.components.cdn",
    # settings and errors
    "ConfigError": "livestream.model.settings",
    "Settings": "livestream.model.settings",
    "ChannelSettings": "livestream.model.settings",
    "load_settings": "livestream.model.settings",
    "args_from_stack_config": "livestream.components.platform",
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
    "PlayerSite",
    "RenditionArgs",
    "S3Origin",
    "ScheduleArgs",
    "Scheduler",
    "Settings",
    "UsageArgs",
    "__version__",
    "args_from_stack_config",
    "load_settings",
]

if TYPE_CHECKING:
    from livestream.components.alarms import Alarms
    from livestream.components.archive import Archive
    from livestream.components.args import (
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
    from livestream.components.cdn import Cdn, S3Origin
    from livestream.components.encoder import ArchiveTarget, Encoder
    from livestream.components.packager import Packager
    from livestream.components.platform import LiveStreamPlatform, args_from_stack_config
    from livestream.components.scheduler import Scheduler
    from livestream.components.site import PlayerSite
    from livestream.model.settings import ChannelSettings, ConfigError, Settings
    from livestream.model.settings import load as load_settings


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'livestream' has no attribute {name!r}")
    value = getattr(import_module(module), "load" if name == "load_settings" else name)
    globals()[name] = value
    return value
