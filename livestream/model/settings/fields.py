"""How a setting is declared, once: its key, default, reason and validator on one dataclass field.

    segment_seconds: int = setting(default=4, read=whole(1, 30), why="4 s: the usual HLS/DASH segment ...")

- key: the field name is the snake_case key of the component args; the stack file spells the
  same key in camelCase (`segmentSeconds`), derived by `camel`. `key=` overrides the name when
  the attribute cannot be the key (`type` of a geo restriction).
- default: the dataclass default, so `ScheduleSettings()` and a missing key agree. `derive=`
  computes it from settings read before (the GOP from the segment length), `nullable=True` lets
  an explicit null switch a feature off, `required=` makes the key mandatory.
- validator: a `Reader`, `(key as the user spelt it, raw value) -> value`, raising `ConfigError`.

`read_declared` reads every declared field of a settings class from a `Section`; a section's own
function adds the checks that involve several settings.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, dataclass_transform

from livestream.model.settings import unknowable
from livestream.model.settings.errors import ConfigError

T = TypeVar("T")
Reader = Callable[[str, Any], Any]
_SETTING = "livestream.setting"


@dataclass(frozen=True)
class Setting:
    """What a settings field needs beyond its name and default."""

    read: Reader | None  # None: the section's own function reads it (e.g. the ladder)
    why: str
    key: str | None = None
    nullable: bool = False
    derive: Callable[[Mapping[str, Any]], Any] | None = None
    required: str | None = None  # the message when the key is missing
    also: tuple[str, ...] = ()  # further keys the section accepts right after this one
    secret: bool = False  # never written back (`record.as_args`): a stream key, a passphrase


def setting(
    default: Any = dataclasses.MISSING,
    read: Reader | None = None,
    why: str = "",
    *,
    key: str | None = None,
    nullable: bool = False,
    derive: Callable[[Mapping[str, Any]], Any] | None = None,
    required: str | None = None,
    also: tuple[str, ...] = (),
    factory: Callable[[], Any] | None = None,
    secret: bool = False,
) -> Any:
    """A dataclass field declaring one setting (see the module docstring)."""
    metadata = {_SETTING: Setting(read, why, key, nullable, derive, required, also, secret)}
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


@dataclass_transform(frozen_default=True, field_specifiers=(setting,))
def section(*, kw_only: bool = False) -> Callable[[type[T]], type[T]]:
    """`@section()`: a frozen dataclass whose `setting(...)` fields the type checker understands
    (no `default` or `factory`: the field is required)."""
    return lambda cls: dataclass(frozen=True, kw_only=kw_only)(cls)


def declared(cls: type) -> list[tuple[dataclasses.Field[Any], Setting]]:
    """The settings fields of a settings class, in declaration order."""
    return [(f, f.metadata[_SETTING]) for f in dataclasses.fields(cls) if _SETTING in f.metadata]


def key_of(field: dataclasses.Field[Any], spec: Setting) -> str:
    return spec.key or field.name


def keys(cls: type) -> tuple[str, ...]:
    """Every key a section of this class accepts, snake_case, in declaration order."""
    return tuple(k for f, spec in declared(cls) for k in (key_of(f, spec), *spec.also))


def default_of(field: dataclasses.Field[Any]) -> Any:
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return None if field.default is dataclasses.MISSING else field.default


def snake(key: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower().replace("__", "_")


def camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


class Section:
    """A mapping of known keys at a config path; unknown keys are refused on creation.

    Keys are spelt the way the user writes them: camelCase under a stack file's `livestream:`
    namespace (the path holds a `:`), snake_case in component args.
    """

    def __init__(self, raw: Any, path: str, fields: tuple[str, ...]) -> None:
        self.path = path
        self.spell: Callable[[str], str] = camel if ":" in path else (lambda name: name)
        if raw is None:
            raw = {}
        if not isinstance(raw, Mapping):
            raise ConfigError(path, raw, "expected a mapping with keys " + self._keys(fields))
        self.values: dict[str, tuple[str, Any]] = {}
        for key, value in raw.items():
            name = snake(str(key))
            if name not in fields:
                raise ConfigError(join(path, key), value, self._unknown(name, fields))
            self.values[name] = (join(path, key), value)

    def _keys(self, fields: tuple[str, ...]) -> str:
        return ", ".join(self.spell(f) for f in fields)

    def _unknown(self, name: str, fields: tuple[str, ...]) -> str:
        """'unknown key; did you mean livestream:archive? allowed keys are ...' (the nearest key, if any is near)."""
        near = nearest(name, fields)
        hint = f"did you mean {join(self.path, self.spell(near))}? " if near else ""
        return f"unknown key; {hint}allowed keys are {self._keys(fields)}"

    def key(self, name: str) -> str:
        """The key as the user spelt it, or in the user's style when absent."""
        return self.values.get(name, (join(self.path, self.spell(name)), None))[0]

    def words(self, text: str) -> str:
        """A message's camelCase key names, spelt snake_case for component args."""
        return text if ":" in self.path else re.sub(r"\b[a-z]+(?:[A-Z][a-z0-9]*)+\b", lambda m: snake(m.group()), text)

    def name(self, name: str) -> str:
        """The bare key (no path) in the user's style, for messages about a neighbouring setting."""
        return self.key(name).rsplit(".", 1)[-1].rsplit(":", 1)[-1]

    def has(self, name: str) -> bool:
        return name in self.values and self.values[name][1] is not None

    def get(self, name: str, read: Callable[[str, Any], T], default: T) -> T:
        if not self.has(name):
            return default
        key, value = self.values[name]
        return unknowable.read(read, key, value, default)

    def get_nullable(self, name: str, read: Callable[[str, Any], T], default: T) -> T | None:
        """Like `get`, but an explicit null switches the feature off."""
        if name in self.values and self.values[name][1] is None:
            return None
        return self.get(name, read, default)


def nearest(name: str, choices: tuple[str, ...] | list[str]) -> str | None:
    """The choice a typo most likely meant, if one is close enough (difflib's ratio of at least 0.6)."""
    found = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return found[0] if found else None


def join(path: str, key: Any) -> str:
    if not path:
        return str(key)
    return f"{path}{key}" if path.endswith(":") else f"{path}.{key}"


def section_of(cls: type, key: str, raw: Any) -> Section:
    """The section at `key` for a settings class; its required keys must be there."""
    if unknowable.is_placeholder(raw):  # a whole section kept secret: its defaults, reported unchecked
        unknowable.note(key)
        raw = None
    section = Section(raw, key, keys(cls))
    for field, spec in declared(cls):
        if spec.required is not None and not section.has(key_of(field, spec)):
            raise ConfigError(section.key(key_of(field, spec)), None, "required: " + section.words(spec.required))
    return section


def read_declared(cls: type, section: Section, given: Mapping[str, Any] | None = None, *, defaults: Any = None) -> dict[str, Any]:
    """Read each declared setting of `cls` that `given` does not already hold; derived defaults last.

    `defaults`, an instance of `cls`, replaces the declared defaults (an alarm's own thresholds).
    """
    values = dict(given or {})
    todo = [(f, spec) for f, spec in declared(cls) if f.name not in values and spec.read is not None]
    for field, spec in sorted(todo, key=lambda item: item[1].derive is not None):
        default = default_of(field) if defaults is None else getattr(defaults, field.name)
        if spec.derive:
            default = spec.derive(values)
        read = section.get_nullable if spec.nullable else section.get
        values[field.name] = read(key_of(field, spec), spec.read, default)  # type: ignore[arg-type]
    return values
