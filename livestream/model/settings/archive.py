"""`archive`: the shared recordings bucket's lifecycle, encryption and file length."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from livestream.model.settings import readers as r
from livestream.model.settings.errors import ConfigError
from livestream.model.settings.fields import Section, read_declared, section, section_of, setting

GLACIER_AFTER_DAYS = 30


def default_glacier_after_days(expire_after_days: int | None) -> int | None:
    """Short-lived archives skip Glacier unless asked: its 90-day minimum would cost more than it saves."""
    return GLACIER_AFTER_DAYS if expire_after_days is None or expire_after_days > GLACIER_AFTER_DAYS else None


@section()
class ArchiveSettings:
    glacier_after_days: int | None = setting(
        default=GLACIER_AFTER_DAYS,
        read=r.whole(0, 3650),
        why="recordings are rarely watched after a month; null switches the transition off",
        nullable=True,
        derive=lambda read: default_glacier_after_days(read["expire_after_days"]),
    )
    expire_after_days: int | None = setting(
        default=365, read=r.whole(1, 36500), why="a year of recordings; null keeps them", nullable=True
    )
    noncurrent_expire_days: int = setting(
        default=30, read=r.whole(1, 3650), why="an overwritten recording stays recoverable a month"
    )
    retain_on_delete: bool = setting(default=True, read=r.boolean, why="`pulumi destroy` never deletes recordings unless asked")
    kms_key_arn: Any = setting(default=None, read=r.arn, why="SSE-S3 unless a KMS key is given")
    rollover_seconds: int = setting(default=300, read=r.whole(60, 86_400), why="5-minute files: small losses, few objects")


def check_lifecycle(section: Section, values: Mapping[str, Any]) -> None:
    """Objects go cold before they expire (or one of the steps is off)."""
    glacier, expire = values["glacier_after_days"], values["expire_after_days"]
    if glacier is not None and expire is not None and glacier >= expire:
        raise ConfigError(
            section.key("glacier_after_days"),
            glacier,
            f"must be fewer days than {section.name('expire_after_days')} ({expire}), or null",
        )


def read_archive(key: str, raw: Any) -> ArchiveSettings:
    section = section_of(ArchiveSettings, key, raw)
    values = read_declared(ArchiveSettings, section)
    check_lifecycle(section, values)
    return ArchiveSettings(**values)
