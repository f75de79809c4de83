"""Validated settings written back as args: what a platform was built with, for tools that read the plan.

`as_args(settings)` spells every setting, defaults filled in, the way a stack file does (camelCase,
channels as a map, a preset ladder by name or custom renditions); `load` reads it back into equal
settings. The component records this form as its own inputs, so `livestream plan` estimates what the
program built, whether its settings came from a stack file or from args in code.

Pure module: no Pulumi import (an ARN given as a Pulumi Output stays as it is).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from livestream.model.settings.channels import ChannelSettings
from livestream.model.settings.fields import camel, declared, key_of

REGION = "region"  # not a setting (the provider's region), but where the platform runs: recorded next to them


def as_args(settings: Any) -> dict[str, Any]:
    """A settings object as camelCase args that `load` accepts, every declared setting stated."""
    if isinstance(settings, ChannelSettings):
        return _channel(settings)
    out = {
        camel(key_of(f, spec)): None if spec.secret else _value(getattr(settings, f.name))  # a secret is never recorded
        for f, spec in declared(type(settings))
    }
    if hasattr(settings, REGION):  # the whole platform's settings
        out[REGION] = settings.region
    return out


def _channel(channel: ChannelSettings) -> dict[str, Any]:
    """A channel: its ladder by preset name, or the custom renditions (kbit/s, as written)."""
    out: dict[str, Any] = {}
    for f, spec in declared(ChannelSettings):
        if spec.secret:
            out[camel(key_of(f, spec))] = None  # never recorded
        elif f.name != "ladder":
            out[camel(key_of(f, spec))] = _value(getattr(channel, f.name))
        elif channel.ladder_name == "custom":
            out["renditions"] = [
                {"width": r.width, "height": r.height, "videoKbps": r.video_bitrate_bps // 1000} for r in channel.ladder
            ]
        else:
            out["ladder"] = channel.ladder_name
    return out


def _value(value: Any) -> Any:
    if isinstance(value, tuple) and value and isinstance(value[0], ChannelSettings):
        return {c.name: _channel(c) for c in value}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return as_args(value)
    if isinstance(value, Mapping):
        return {str(k): _value(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_value(v) for v in value]
    return value
