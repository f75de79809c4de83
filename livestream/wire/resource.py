"""One resource in wire format, as the plan captured it or a policy pack sees it, without any SDK."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple


class WireResource(NamedTuple):
    """A resource: its type token, the name a report shows, its properties (plain data)."""

    type: str
    name: str
    props: Mapping[str, Any]


def of_type(resources: Iterable[WireResource], types: Iterable[str]) -> list[WireResource]:
    """The resources whose type token is one of `types`, in their given order."""
    wanted = set(types)
    return [r for r in resources if r.type in wanted]
