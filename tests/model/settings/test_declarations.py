"""Each setting is declared once; the docs that repeat a key or a default for readers must agree.

The declaration (a `setting(...)` field in livestream/model/settings/) is the source: the
component args (components/args.py, whose docstrings become the multi-language schema) must
offer exactly the declared keys, and wherever the args docstrings or the README's configuration
tables state a default, it is the declared one.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest

from livestream.model import settings
from livestream.model.settings import fields

ROOT = Path(__file__).resolve().parents[3]
ARGS = ROOT / "livestream" / "components" / "args.py"
README = ROOT / "README.md"

# settings class -> (its TypedDict in components/args.py, how the README's tables prefix its keys or None)
DOCUMENTED: dict[type, tuple[str, str | None]] = {
    settings.IngestSettings: ("IngestArgs", "ingest."),
    settings.ChannelSettings: ("ChannelArgs", ""),
    settings.ArchiveSettings: ("ArchiveArgs", ""),
    settings.RecordingSettings: ("RecordingArgs", "recordings."),
    settings.GeoRestriction: ("GeoRestrictionArgs", None),
    settings.CustomDomain: ("CustomDomainArgs", None),
    settings.CdnSettings: ("CdnArgs", ""),
    settings.AlarmThreshold: ("AlarmThresholdArgs", None),
    settings.AlarmSettings: ("AlarmArgs", "alarms."),
    settings.BudgetSettings: ("BudgetArgs", "budget."),
    settings.ScheduleSettings: ("ScheduleArgs", ""),
    settings.UsageSettings: ("UsageArgs", ""),
    settings.Settings: ("LiveStreamPlatformArgs", None),
}


def typed_dicts() -> dict[str, dict[str, str]]:
    """TypedDict name -> field name -> the field's docstring, read from the source (no Pulumi import)."""
    found: dict[str, dict[str, str]] = {}
    for node in ast.parse(ARGS.read_text()).body:
        if isinstance(node, ast.ClassDef):
            docs: dict[str, str] = {}
            for item, after in zip(node.body, [*node.body[1:], None], strict=True):
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    doc = after.value.value if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant) else ""
                    docs[item.target.id] = str(doc)
            found[node.name] = docs
    return found


def readme_defaults() -> dict[str, str]:
    """README configuration rows: `key` -> the default column."""
    rows = re.findall(r"^\| `([^`]+)` \| ([^|]+) \|", README.read_text(), flags=re.MULTILINE)
    return {key: default.strip() for key, default in rows}


def as_text(value: Any) -> str | None:
    """How the docs spell a default; None for "no value" (the docs then say in words what happens)."""
    if value is None or value == ():
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, tuple):
        return json.dumps(list(value))
    return str(value)


def literal(cell: str) -> str | None:
    """The literal a README cell or docstring phrase starts with, if it starts with one."""
    match = re.match(r"`([^`]+)`|(\d+|true|false|UTC\b|\[[^\]]*\])", cell)
    return None if match is None else match.group(1) or match.group(2)


def declarations() -> list[tuple[type, dataclasses.Field[Any], fields.Setting]]:
    return [(cls, f, spec) for cls in DOCUMENTED for f, spec in fields.declared(cls)]


@pytest.mark.parametrize("cls", list(DOCUMENTED), ids=lambda c: c.__name__)
def test_the_args_offer_exactly_the_declared_keys(cls: type) -> None:
    typed_dict, _ = DOCUMENTED[cls]
    declared = set(fields.keys(cls))
    offered = set(typed_dicts()[typed_dict]) - {"region"}  # the region comes from the provider, not a setting
    assert offered == declared, f"{typed_dict}: {sorted(offered ^ declared)}"


def test_args_docstrings_state_the_declared_defaults() -> None:
    docs = typed_dicts()
    checked = 0
    for cls, field, spec in declarations():
        doc = docs[DOCUMENTED[cls][0]].get(fields.key_of(field, spec), "")
        stated = re.search(r"\(default[ :]+([^;,)]+)|[Dd]efault (\w+)\.|`([^`]+)` \(default\b", doc)
        if stated is None:
            continue
        expected = as_text(fields.default_of(field))
        assert literal((stated.group(1) or stated.group(2) or f"`{stated.group(3)}`").strip()) == expected, (
            f"{cls.__name__}.{field.name}: args say {stated.group(0)!r}, declared {expected!r}"
        )
        checked += 1
    assert checked >= 15  # most defaults are stated; the check must not pass by finding none


def test_readme_tables_state_the_declared_defaults() -> None:
    rows = readme_defaults()
    checked = 0
    for cls, field, spec in declarations():
        prefix = DOCUMENTED[cls][1]
        if prefix is None or (field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING):
            continue
        key = prefix + fields.camel(fields.key_of(field, spec))
        row = next((cell for k, cell in rows.items() if k == key or k.startswith(key + ".")), None)
        assert row is not None, f"README has no row for `{key}`"
        stated, expected = literal(row), as_text(fields.default_of(field))
        if spec.derive is not None and stated is None:
            continue  # a derived default is described in words
        if key == "alarms.thresholds":
            continue  # per alarm, in its own table
        assert stated == expected, f"README `{key}`: {row!r}, declared {expected!r}"
        checked += 1
    assert checked >= 25


def test_derived_defaults_agree_with_the_plain_default() -> None:
    """`ChannelSettings()`-style construction and a config without the key give the same value."""
    plain = settings.load({"channels": {"main": {"ingest": {"allowedCidrs": ["203.0.113.0/24"]}}}}, environment="d", region="r")
    for cls, section in ((settings.ChannelSettings, plain.channel("main")), (settings.ArchiveSettings, plain.archive)):
        for field, spec in fields.declared(cls):
            if spec.derive is not None and field.name != "input_resolution":  # the sd ladder needs only SD
                assert getattr(section, field.name) == field.default, f"{cls.__name__}.{field.name}"


def test_every_setting_says_why_its_default_is_what_it_is() -> None:
    for cls, field, spec in declarations():
        assert spec.why, f"{cls.__name__}.{field.name} has no reason"
