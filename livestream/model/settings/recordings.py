"""`recordings`: each broadcast becomes a VOD recording (MediaPackage v2 harvest); lifecycle like the archive."""

from __future__ import annotations

from typing import Any

from livestream.model.settings import readers as r
from livestream.model.settings.archive import GLACIER_AFTER_DAYS, check_lifecycle, default_glacier_after_days
from livestream.model.settings.fields import read_declared, section, section_of, setting

# A MediaPackage v2 harvest job covers at most 24 hours
# (https://docs.aws.amazon.com/mediapackage/latest/userguide/live-to-vod.html).
MAX_RECORDING_HOURS = 24


@section()
class RecordingSettings:
    """`max_hours` is the recording endpoint's startover window: a longer broadcast keeps its last
    `max_hours`. Cold storage is Glacier Instant Retrieval, so old recordings still play."""

    enabled: bool = setting(default=True, read=r.boolean, why="every broadcast is worth watching again")
    glacier_after_days: int | None = setting(
        default=GLACIER_AFTER_DAYS,
        read=r.whole(0, 3650),
        why="as the archive: few replays after a month; Glacier Instant Retrieval still plays; null switches it off",
        nullable=True,
        derive=lambda read: default_glacier_after_days(read["expire_after_days"]),
    )
    expire_after_days: int | None = setting(
        default=365, read=r.whole(1, 36500), why="a year of past broadcasts; null keeps them", nullable=True
    )
    retain_on_delete: bool = setting(default=True, read=r.boolean, why="`pulumi destroy` never deletes recordings unless asked")
    max_hours: int = setting(
        default=MAX_RECORDING_HOURS,
        read=r.whole(1, MAX_RECORDING_HOURS),
        why="the longest a harvest job covers; the endpoint's startover window costs nothing extra",
    )


def read_recordings(key: str, raw: Any) -> RecordingSettings:
    section = section_of(RecordingSettings, key, raw)
    values = read_declared(RecordingSettings, section)
    check_lifecycle(section, values)
    return RecordingSettings(**values)
