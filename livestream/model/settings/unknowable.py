"""Values the validation cannot know: a stack's secrets when a plan runs offline.

Offline, `livestream plan` hands the program a placeholder instead of each `secure:` value (the
ciphertext never reaches it). The placeholder is not the user's value, so refusing it would be
wrong: an e-mail kept as a secret would fail a plan that `pulumi up` accepts. Inside `placeholders`,
a setting whose value is one of them is reported as unchecked (`Settings.unchecked`, the keys as
the user spelt them) and never rejected: it keeps the placeholder when its validator accepts a
string, else its default.

With no placeholders declared (a real deployment, or a program run on its own) nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from livestream.model.settings.errors import ConfigError

T = TypeVar("T")

_placeholders: frozenset[str] = frozenset()
_unchecked: list[str] = []


@contextmanager
def placeholders(values: set[str] | frozenset[str]) -> Iterator[None]:
    """Within this block, these strings stand for values the plan cannot know."""
    global _placeholders
    saved = _placeholders
    _placeholders = frozenset(values)
    try:
        yield
    finally:
        _placeholders = saved


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and value in _placeholders


def read(read_value: Callable[[str, Any], T], key: str, value: Any, default: Any) -> T:
    """`read_value(key, value)`, or for a placeholder: the key noted as unchecked, the value kept or the default."""
    if not is_placeholder(value):
        return read_value(key, value)
    note(key)
    try:
        return read_value(key, value)
    except ConfigError:
        return default


def mark() -> int:
    """Where the unchecked keys of one platform's validation start (`since(mark)` collects them)."""
    return len(_unchecked)


def since(start: int) -> tuple[str, ...]:
    """The keys found unchecked since `start`, each once, forgotten here."""
    found = tuple(dict.fromkeys(_unchecked[start:]))
    del _unchecked[start:]
    return found


def note(key: str) -> None:
    _unchecked.append(key)
