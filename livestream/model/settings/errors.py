"""The one error bad settings raise."""

from __future__ import annotations

from typing import Any


class ConfigError(ValueError):
    """A setting that cannot be deployed: names the key, the value and what is allowed."""

    def __init__(self, key: str, value: Any, allowed: str) -> None:
        self.key = key
        self.value = value
        self.allowed = allowed
        super().__init__(f"{key}: {value!r} is not valid; {allowed}")
