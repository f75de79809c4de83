"""What a deployment would do to a live platform: two plan documents in, per-resource changes out.

`livestream plan --json` documents list each resource with its inputs (secrets redacted) and
options. Comparing an earlier one with a new one gives, per resource: create, update, replace or
delete; why (the changed properties, and which of them are create-only / ForceNew:
livestream.plan.replacement); and what it means for the people at both ends (impact.py).

Resources are matched by (type, name), or through an alias: a resource registered with
`aliases` (or the child of an aliased component, whose name starts with the component's name,
as the Pulumi engine inherits them) is the same resource under its old name. The offline engine
returns the same fake ids for the same names, so the resources that use a replaced one (its new id
or ARN) are listed from the plan's dependencies instead, as a real preview would show them.
Pure: no Pulumi import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from livestream.plan import impact, replacement

CREATE, UPDATE, REPLACE, DELETE = "create", "update", "replace", "delete"
ACTIONS = (CREATE, UPDATE, REPLACE, DELETE)

Key = tuple[str, str]  # (type token, logical name)


@dataclass(frozen=True)
class Change:
    action: str
    type: str
    name: str
    previous_name: str | None = None  # set when an alias carries the resource over from another name
    properties: tuple[str, ...] = ()  # changed top-level inputs
    replaced_by: tuple[str, ...] = ()  # the create-only / ForceNew ones among them
    reason: str = ""
    impacts: tuple[str, ...] = ()
    refused: str | None = None  # why Pulumi will refuse it (a protected resource)
    delete_before_replace: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "type": self.type,
            "name": self.name,
            "previousName": self.previous_name,
            "properties": list(self.properties),
            "replacedBy": list(self.replaced_by),
            "reason": self.reason,
            "impacts": list(self.impacts),
            "refused": self.refused,
            "deleteBeforeReplace": self.delete_before_replace,
        }


@dataclass(frozen=True)
class Diff:
    changes: tuple[Change, ...]
    unchanged: int = 0
    counts: Mapping[str, int] = field(default_factory=dict)

    def of(self, action: str) -> list[Change]:
        return [c for c in self.changes if c.action == action]

    def find(self, type_token: str, name: str) -> Change | None:
        return next((c for c in self.changes if c.type == type_token and c.name == name), None)

    def as_dict(self) -> dict[str, Any]:
        return {"changes": [c.as_dict() for c in self.changes], "unchanged": self.unchanged, "counts": dict(self.counts)}


def _rows(document: Mapping[str, Any]) -> dict[Key, Mapping[str, Any]]:
    rows = document.get("resources")
    if not isinstance(rows, list):
        raise ValueError("not a livestream plan document: no 'resources' list (use the output of livestream plan --json)")
    return {(str(r["type"]), str(r["name"])): r for r in rows if r.get("custom", True)}


def _has_inputs(document: Mapping[str, Any]) -> bool:
    return all("inputs" in r for r in document.get("resources", []) if r.get("custom", True))


def _options(row: Mapping[str, Any]) -> Mapping[str, Any]:
    options = row.get("options")
    return options if isinstance(options, Mapping) else {}


def _alias_keys(row: Mapping[str, Any]) -> list[Key]:
    keys = []
    for alias in _options(row).get("aliases") or ():
        if "urn" in alias:
            parts = str(alias["urn"]).split("::")
            keys.append((parts[2].split("$")[-1], parts[-1]))
        else:
            keys.append((str(alias.get("type") or row["type"]), str(alias.get("name") or row["name"])))
    return keys


def _old_keys(key: Key, current: Mapping[Key, Mapping[str, Any]], by_name: Mapping[str, Mapping[str, Any]]) -> list[Key]:
    """Keys this resource may have had: its own aliases, then its ancestors' renames applied to its name."""
    row = current[key]
    keys = _alias_keys(row)
    parent = by_name.get(str(row.get("parent") or ""))
    while parent is not None:
        for _, old_parent_name in _alias_keys(parent):
            if key[1].startswith(str(parent["name"])):
                keys.append((key[0], old_parent_name + key[1][len(str(parent["name"])) :]))
        parent = by_name.get(str(parent.get("parent") or ""))
    return keys


def _changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[str, ...]:
    names = set(before) | set(after)
    return tuple(sorted(n for n in names if before.get(n) != after.get(n)))


def _match(previous: Mapping[Key, Any], current: Mapping[Key, Any], by_name: Mapping[str, Any]) -> dict[Key, Key]:
    """current key -> previous key, by name first, then through aliases."""
    pairs = {key: key for key in current if key in previous}
    taken = set(pairs.values())
    for key in current:
        if key in pairs:
            continue
        for old in _old_keys(key, current, by_name):
            if old in previous and old not in taken:
                pairs[key] = old
                taken.add(old)
                break
    return pairs


def _renamed(value: Any, renames: Sequence[tuple[str, str]]) -> Any:
    """The previous plan's values as the renamed resources will carry them.

    The offline engine fakes ids, ARNs and auto-names from the logical name; a real aliased resource keeps
    its state, so where the previous plan shows an old logical name, read the new one.
    """
    if isinstance(value, str):
        for old, new in renames:
            value = value.replace(old, new)
        return value
    if isinstance(value, Mapping):
        return {k: _renamed(v, renames) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, renames) for v in value]
    return value


def _paired(
    key: Key, old: Key, before: Mapping[str, Any], after: Mapping[str, Any], renames: Sequence[tuple[str, str]]
) -> Change | None:
    type_token, name = key
    properties = _changed(_renamed(before.get("inputs") or {}, renames), after.get("inputs") or {})
    renamed = old != key
    if not properties and not renamed:
        return None
    options = _options(after)
    forcing = replacement.replacing(type_token, options, properties)
    action = REPLACE if forcing else UPDATE
    if forcing:
        reason = f"{', '.join(forcing)} changed: {replacement.source(type_token, options)}"
    else:
        reason = f"{', '.join(properties)} changed" if properties else "renamed through an alias: same cloud resource"
    change = Change(
        action=action,
        type=type_token,
        name=name,
        previous_name=old[1] if renamed else None,
        properties=properties,
        replaced_by=forcing,
        reason=reason,
        delete_before_replace=bool(options.get("deleteBeforeReplace")),
    )
    return _judged(change, before, after)


def _judged(change: Change, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> Change:
    """Add the user impact, and whether Pulumi refuses it (a protected resource is never deleted or replaced)."""
    refused = None
    if change.action in (REPLACE, DELETE) and before is not None and _options(before).get("protect"):
        refused = (
            "protected: Pulumi refuses to delete or replace it; lift on purpose with `pulumi state unprotect` "
            "or `protect: false` + `pulumi up` first"
        )
    impacts = impact.of(change.action, change.type, change.name, before, after, change.properties)
    return replace(change, impacts=tuple(impacts), refused=refused)


def _followers(changes: Sequence[Change], current: Mapping[Key, Mapping[str, Any]]) -> list[Change]:
    """Unchanged resources that use a replaced one: they are updated with its new id or ARN."""
    replaced = {str(current[(c.type, c.name)].get("urn")): c for c in changes if c.action == REPLACE}
    listed = {(c.type, c.name) for c in changes}
    followers = []
    for key, row in current.items():
        uses = [replaced[urn] for urn in row.get("dependencies") or () if urn in replaced]
        if uses and key not in listed:
            reason = "uses " + ", ".join(f"{c.type} {c.name}" for c in uses) + ", which is replaced: takes its new id"
            followers.append(Change(UPDATE, key[0], key[1], reason=reason))
    return followers


def diff(previous: Mapping[str, Any], current: Mapping[str, Any]) -> Diff:
    """Compare an earlier plan document with a new one (both `livestream plan --json` output)."""
    for label, document in (("previous", previous), ("current", current)):
        if not _has_inputs(document):
            raise ValueError(
                f"the {label} plan has no resource inputs: it was written by an older livestream; "
                "run livestream plan --json again with this version"
            )
    before, after = _rows(previous), _rows(current)
    by_name = {str(r["name"]): r for r in current.get("resources", [])}
    pairs = _match(before, after, by_name)
    renames = sorted(((old[1], new[1]) for new, old in pairs.items() if old != new), key=lambda r: -len(r[0]))
    changes: list[Change] = []
    unchanged = 0
    for key, row in after.items():
        if key not in pairs:
            changes.append(_judged(Change(CREATE, key[0], key[1], reason="new in this plan"), None, row))
            continue
        change = _paired(key, pairs[key], before[pairs[key]], row, renames)
        if change is None:
            unchanged += 1
        else:
            changes.append(change)
    for key in before.keys() - set(pairs.values()):
        changes.append(_judged(Change(DELETE, key[0], key[1], reason="not in this plan"), before[key], None))
    followers = _followers(changes, after)
    changes += followers
    unchanged -= len(followers)
    order = {a: i for i, a in enumerate((REPLACE, DELETE, UPDATE, CREATE))}
    changes.sort(key=lambda c: (order[c.action], c.type, c.name))
    counts = {a: sum(1 for c in changes if c.action == a) for a in ACTIONS}
    return Diff(tuple(changes), unchanged, counts)


def failing(result: Diff, fail_on: Iterable[str]) -> list[Change]:
    """The changes whose action is listed in `--fail-on`."""
    wanted = set(fail_on)
    return [c for c in result.changes if c.action in wanted]


def render_text(result: Diff, *, previous: str, verbose: bool = False) -> str:
    """The change list people read: consequential changes first, each with why and what it means."""
    counts = ", ".join(f"{result.counts.get(a, 0)} to {a}" for a in (REPLACE, DELETE, UPDATE, CREATE))
    lines = [f"Changes against {previous}: {counts}, {result.unchanged} unchanged", ""]
    for change in result.changes:
        if _quiet(change) and not verbose:
            continue
        renamed = f" (was {change.previous_name})" if change.previous_name else ""
        lines.append(f"  {change.action:<8} {change.type} {change.name}{renamed}")
        lines.append(f"           why: {change.reason}")
        lines.extend(f"           impact: {text}" for text in change.impacts)
        if change.refused:
            lines.append(f"           REFUSED: {change.refused}")
    quiet = sum(1 for c in result.changes if _quiet(c))
    if quiet and not verbose:
        lines.append(f"  ... and {quiet} more changes with no user impact (--verbose lists them)")
    return "\n".join(lines) + "\n"


def _quiet(change: Change) -> bool:
    """Nobody outside the stack notices it: not a replacement, no impact, not refused."""
    return change.action != REPLACE and not change.impacts and not change.refused


def summary_line(changes: Sequence[Change]) -> str:
    return "; ".join(f"{c.action} {c.type} {c.name}" for c in changes)
