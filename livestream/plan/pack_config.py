"""A policy pack's config, read and merged the way the Pulumi CLI does, then validated strictly.

`load_config` reads a `--policy-pack-config` JSON file; `resolve_config` merges schema defaults,
the pack's `initial_config`, then the file (`all` sets every policy's enforcement level), and
validates each policy's properties against its config schema. Stricter than the CLI on purpose:
unknown policy names and unknown config keys are errors (the CLI ignores them), so a typo in a
config file cannot silently relax a limit.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
from pulumi_policy import EnforcementLevel, Policy

if TYPE_CHECKING:
    from livestream.plan.verdicts import LoadedPack

LEVELS = tuple(level.value for level in EnforcementLevel)
ALL = "all"


class PolicyConfigError(ValueError):
    """Policy config that does not fit the pack: names the policy, the key and what is allowed."""

    def __init__(self, policy: str, key: str | None, problem: str) -> None:
        self.policy = policy
        self.key = key
        self.problem = problem
        where = f"{policy}.{key}" if key else policy
        super().__init__(f"policy config {where}: {problem}")


# --- policy config ----------------------------------------------------------------------------


def load_config(path: str | Path) -> dict[str, Any]:
    """Read a `--policy-pack-config` JSON file: {"all": level, "<policy>": level | {"enforcementLevel": ..., key: value}}."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as error:
        raise PolicyConfigError(str(path), None, f"cannot be read: {error.strerror or error}") from None
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise PolicyConfigError(str(path), None, f"is not valid JSON: {error}") from None
    if not isinstance(data, dict):
        raise PolicyConfigError(str(path), None, "must hold a JSON object keyed by policy name")
    return data


@dataclass(frozen=True)
class ResolvedPolicyConfig:
    enforcement_level: EnforcementLevel
    properties: dict[str, Any]


def _split(policy: str, value: Any) -> tuple[EnforcementLevel | None, dict[str, Any]]:
    """One config entry → (enforcement level, properties), as the CLI parses it."""
    if isinstance(value, Mapping):
        properties = dict(value)
        level = properties.pop("enforcementLevel", None)
        return (None if level is None else _level(policy, level)), properties
    if isinstance(value, EnforcementLevel | str):
        return _level(policy, value), {}
    raise PolicyConfigError(policy, None, f"{value!r} must be an enforcement level ({', '.join(LEVELS)}) or an object")


def _level(policy: str, value: Any) -> EnforcementLevel:
    if not isinstance(value, EnforcementLevel | str):
        raise PolicyConfigError(policy, "enforcementLevel", f"{value!r} must be a string, one of {', '.join(LEVELS)}")
    try:
        return EnforcementLevel(value)
    except ValueError:
        raise PolicyConfigError(policy, "enforcementLevel", f"{value!r} is not one of {', '.join(LEVELS)}") from None


def _apply(result: dict[str, ResolvedPolicyConfig], config: Mapping[str, Any], known: set[str]) -> None:
    if ALL in config:
        level, properties = _split(ALL, config[ALL])
        if properties:
            raise PolicyConfigError(ALL, sorted(properties)[0], "'all' takes only an enforcementLevel")
        if level is not None:
            for name, current in result.items():
                result[name] = ResolvedPolicyConfig(level, current.properties)
    for name, value in config.items():
        if name == ALL:
            continue
        if name not in known:
            raise PolicyConfigError(name, None, f"no such policy in this pack; policies: {', '.join(sorted(known))}")
        level, properties = _split(name, value)
        current = result[name]
        result[name] = ResolvedPolicyConfig(level or current.enforcement_level, {**current.properties, **properties})


def _validate_properties(policy: Policy, properties: Mapping[str, Any]) -> None:
    schema = policy.config_schema
    declared: dict[str, dict[str, Any]] = dict(schema.properties) if schema else {}
    for key in properties:
        if key not in declared:
            allowed = ", ".join(sorted(declared)) or "none"
            raise PolicyConfigError(policy.name, key, f"unknown key; allowed: enforcementLevel, {allowed}")
    for key in (schema.required or []) if schema else []:
        if key not in properties:
            raise PolicyConfigError(policy.name, key, "is required")
    for key, value in properties.items():
        problem = _schema_problem(declared[key], value)
        if problem:
            where, message = problem
            spec = declared[key]
            limits = {k: spec[k] for k in ("type", "enum", "items", "minimum", "maximum", "exclusiveMinimum") if k in spec}
            raise PolicyConfigError(policy.name, f"{key}{where}", f"{message}; allowed: {json.dumps(limits)}")


def _schema_problem(spec: Mapping[str, Any], value: Any) -> tuple[str, str] | None:
    """(path inside the value, message) of the first JSON Schema error, or None."""
    errors = sorted(jsonschema.Draft7Validator(dict(spec)).iter_errors(value), key=lambda e: list(e.path))
    if not errors:
        return None
    return "".join(f"[{p}]" for p in errors[0].path), str(errors[0].message)


def resolve_config(pack: LoadedPack, config: Mapping[str, Any] | None = None) -> dict[str, ResolvedPolicyConfig]:
    """Each policy's enforcement level and properties, merged and validated as the CLI does before `Configure`."""
    known = {p.name for p in pack.policies}
    result: dict[str, ResolvedPolicyConfig] = {}
    for policy in pack.policies:
        defaults = {
            k: copy.deepcopy(v["default"])
            for k, v in (policy.config_schema.properties if policy.config_schema else {}).items()
            if "default" in v
        }
        result[policy.name] = ResolvedPolicyConfig(policy.enforcement_level or pack.enforcement_level, defaults)
    if pack.initial_config:
        _apply(result, pack.initial_config, known)
    if config:
        _apply(result, config, known)
    for policy in pack.policies:
        _validate_properties(policy, result[policy.name].properties)
    return result


def validate_config(pack: LoadedPack, config: Mapping[str, Any]) -> None:
    """Raise PolicyConfigError if `config` does not fit `pack`."""
    resolve_config(pack, config)
