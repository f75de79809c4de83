"""The plan's resources as a tree: nested under their parents, in an order that does not change between runs.

The mock engine registers resources concurrently, so siblings are ordered by (type, name) rather
than by registration order: the README embeds the dev stack's diagram and it must not change from
one run to the next. Works on anything with `urn`, `parent_urn`, `type`, `name` and `custom`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

# Components named like the platform's subcomponents are listed in data-flow order:
# broadcaster -> encoder -> packager -> CDN -> viewers, then archive, alarms and scheduler beside them.
FLOW_ORDER = {
    name: i for i, name in enumerate(("LiveStreamPlatform", "Encoder", "Packager", "Cdn", "Archive", "Alarms", "Scheduler"))
}


class TreeResource(Protocol):
    @property
    def urn(self) -> str: ...
    @property
    def parent_urn(self) -> str | None: ...
    @property
    def type(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def custom(self) -> bool: ...


R = TypeVar("R", bound=TreeResource)


@dataclass
class Node:
    resource: TreeResource
    children: list[Node] = field(default_factory=list)

    @property
    def is_component(self) -> bool:
        return not self.resource.custom

    def walk(self) -> Iterable[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


def _sort_key(node: Node) -> tuple[int, int, str, str]:
    kind = node.resource.type.rsplit(":", 1)[-1]
    if node.is_component:
        return (0, FLOW_ORDER.get(kind, len(FLOW_ORDER)), node.resource.type, node.resource.name)
    return (1, 0, node.resource.type, node.resource.name)


def tree(resources: Sequence[TreeResource]) -> list[Node]:
    """Resources nested under their parents: components first (the media path's in data-flow order,
    others by type and name), then resources by (type, name)."""
    nodes = {r.urn: Node(r) for r in resources}
    roots: list[Node] = []
    for resource in resources:
        parent = nodes.get(resource.parent_urn or "")
        (parent.children if parent else roots).append(nodes[resource.urn])
    for node in nodes.values():
        node.children.sort(key=_sort_key)
    roots.sort(key=_sort_key)
    return roots


def ordered(resources: Sequence[R]) -> list[R]:
    """Every resource once, depth first in tree order."""
    by_urn = {r.urn: r for r in resources}
    return [by_urn[node.resource.urn] for root in tree(resources) for node in root.walk()]


def short_type(type_token: str) -> str:
    """`aws:s3/bucket:Bucket` -> `aws:s3:Bucket`; a token without a module part as it is."""
    package, _, rest = type_token.partition(":")
    module, _, name = rest.rpartition(":")
    return f"{package}:{module.split('/')[0]}:{name}" if module else type_token
