"""The price table: packaged us-east-1 figures, resolved for a region, with a user's overrides merged over them.

`livestream/cost/prices.json` holds us-east-1 figures (`base`), per-region uplift factors and explicit
figures (`regions`), and the modelling assumptions (`assumptions`). Each figure has a value, unit,
source, date and, where nothing could be sourced, `"estimate": true`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

FIGURE_FIELDS = ("value", "unit", "source", "date", "estimate", "note", "upToGb", "low", "high")
BOUNDS = ("low", "high")  # the ends of a guessed figure's range (`Figure.low`, `Figure.high`)
_REQUIRED_FIELDS = ("value", "unit", "source", "date")


@dataclass(frozen=True)
class Figure:
    value: float
    unit: str
    source: str
    date: str
    estimate: bool = False
    note: str = ""
    up_to_gb: float | None = None
    low: float | None = None  # a guessed figure's plausible range; None = no range
    high: float | None = None

    def bound(self, end: str) -> float:
        """The value at one end of the range ("low" or "high"); the value itself without a range."""
        value = self.low if end == "low" else self.high
        return self.value if value is None else value

    @classmethod
    def from_dict(cls, path: str, raw: Mapping[str, Any]) -> Figure:
        for key in raw:
            if key not in FIGURE_FIELDS:
                raise ValueError(f"{path}.{key}: unknown figure field; allowed fields are " + ", ".join(FIGURE_FIELDS))
        missing = [key for key in _REQUIRED_FIELDS if key not in raw]
        if missing:
            raise ValueError(f"{path}: figure lacks " + ", ".join(missing))
        return cls(
            value=_number(f"{path}.value", raw["value"]),
            unit=str(raw["unit"]),
            source=str(raw["source"]),
            date=str(raw["date"]),
            estimate=bool(raw.get("estimate", False)),
            note=str(raw.get("note", "")),
            up_to_gb=None if raw.get("upToGb") is None else _number(f"{path}.upToGb", raw["upToGb"]),
            **_bounds(path, raw),
        )

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "unit": self.unit, "source": self.source, "date": self.date}
        if self.estimate:
            out["estimate"] = True
        if self.note:
            out["note"] = self.note
        if self.up_to_gb is not None:
            out["upToGb"] = self.up_to_gb
        for end in BOUNDS:
            if getattr(self, end) is not None:
                out[end] = getattr(self, end)
        return out


def _bounds(path: str, raw: Mapping[str, Any]) -> dict[str, float | None]:
    """low/high of a figure, checked: both or neither, low <= value <= high."""
    if not any(end in raw for end in BOUNDS):
        return {"low": None, "high": None}
    if not all(end in raw for end in BOUNDS):
        raise ValueError(f"{path}: a range needs both low and high")
    value = _number(f"{path}.value", raw["value"])
    low, high = _number(f"{path}.low", raw["low"]), _number(f"{path}.high", raw["high"])
    if not low <= value <= high:
        raise ValueError(f"{path}: the range low {low:g} - high {high:g} must contain the value {value:g}")
    return {"low": low, "high": high}


@dataclass(frozen=True)
class PriceTable:
    """Figures for one region, by dotted path (e.g. `medialive.outputPerHour.SD`)."""

    region: str
    pricing_region: str
    figures: Mapping[str, Figure]
    overridden: tuple[str, ...] = ()
    # `at` per end, built once: an estimate with ranges prices both ends, and the break-even searches price
    # hundreds of estimates from one table (rebuilding the ~100 figures was ~45 % of an estimate's CPU).
    _ends: dict[str, PriceTable] = field(default_factory=dict, init=False, repr=False, compare=False)

    def figure(self, path: str) -> Figure:
        try:
            return self.figures[path]
        except KeyError:
            raise KeyError(f"no price figure {path!r}") from None

    def value(self, path: str) -> float:
        return self.figure(path).value

    def children(self, prefix: str) -> dict[str, Figure]:
        """The figures directly under `prefix`, in table order (e.g. CloudFront tiers)."""
        start = prefix + "."
        return {
            path[len(start) :]: fig
            for path, fig in self.figures.items()
            if path.startswith(start) and "." not in path[len(start) :]
        }

    def at(self, end: str) -> PriceTable:
        """This table with every figure at one end of its range ("low" or "high"), for the estimate's range."""
        if end not in self._ends:
            figures = {path: replace(fig, value=fig.bound(end)) for path, fig in self.figures.items()}
            self._ends[end] = replace(self, figures=figures)
        return self._ends[end]

    @property
    def has_ranges(self) -> bool:
        return any(fig.low is not None for fig in self.figures.values())

    @property
    def viewer_regions(self) -> tuple[str, ...]:
        return tuple(sorted({path.split(".")[2] for path in self.figures if path.startswith("cloudfront.perGb.")}))

    def as_dict(self) -> dict[str, Any]:
        tree: dict[str, Any] = {}
        for path, fig in self.figures.items():
            node = tree
            *parents, leaf = path.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = fig.as_dict()
        return tree


def _number(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{key}: {value!r} is not a price figure; expected a number of 0 or more")
    return float(value)


@lru_cache(maxsize=1)
def _packaged_text() -> str:
    return resources.files("livestream.cost").joinpath("prices.json").read_text(encoding="utf-8")


def _entries(tree: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, Any]]:
    """Each child's dotted path and node; keys starting with `_` are comments."""
    for key, node in tree.items():
        if not str(key).startswith("_"):
            yield (f"{prefix}.{key}" if prefix else str(key)), node


def _flatten(tree: Any, prefix: str, out: dict[str, dict[str, Any]]) -> None:
    if not isinstance(tree, Mapping):
        raise ValueError(f"{prefix}: expected an object of figures")
    for path, node in _entries(tree, prefix):
        if isinstance(node, Mapping) and "value" in node:
            out[path] = dict(node)
        else:
            _flatten(node, path, out)


def _resolve_region(data: Mapping[str, Any], region: str) -> tuple[str, dict[str, dict[str, Any]]]:
    base: dict[str, dict[str, Any]] = {}
    _flatten(data["base"], "", base)
    _flatten(data["assumptions"], "assumptions", base)
    _flatten(data.get("alternatives", {}), "alternatives", base)  # other services' list prices: not uplifted
    regions: Mapping[str, Any] = data["regions"]
    base_region = str(data["baseRegion"])
    if region not in regions:
        for path, raw in base.items():
            if not raw["unit"].startswith("USD") or path.startswith("alternatives."):
                continue
            raw["source"] = f"{raw['source']} [{base_region} figure: {region} is not in the price table]"
            raw["estimate"] = True
        return base_region, base
    entry = regions[region]
    explicit: dict[str, dict[str, Any]] = {}
    _flatten(entry.get("figures", {}), "", explicit)
    for path in explicit:
        if path not in base:
            raise ValueError(f"regions.{region}.figures.{path}: no such figure in the base table")
    uplifts: dict[str, Figure] = {
        service: Figure.from_dict(f"regions.{region}.uplift.{service}", raw) for service, raw in entry.get("uplift", {}).items()
    }
    resolved: dict[str, dict[str, Any]] = {}
    for path, raw in base.items():
        service = path.split(".")[0]
        if path in explicit:
            resolved[path] = explicit[path]
        elif service in uplifts and raw["unit"].startswith("USD") and uplifts[service].value != 1.0:
            factor = uplifts[service]
            resolved[path] = {
                **raw,
                "value": raw["value"] * factor.value,
                "source": f"{raw['source']} x {factor.value:g} for {region} ({factor.source})",
                "estimate": bool(raw.get("estimate")) or factor.estimate,
                **_uplifted_bounds(raw, factor),
            }
        elif service in uplifts and raw["unit"].startswith("USD") and uplifts[service].estimate:
            resolved[path] = {
                **raw,
                "source": f"{raw['source']} (same in {region}: {uplifts[service].source})",
                "estimate": True,
                **_uplifted_bounds(raw, uplifts[service]),
            }
        else:
            resolved[path] = raw
    return region, resolved


def _uplifted_bounds(raw: Mapping[str, Any], factor: Figure) -> dict[str, float]:
    """The range of a base figure times a guessed uplift: low end x low factor, high end x high factor."""
    if raw.get("low") is None and factor.low is None:
        return {}
    low = raw.get("low", raw["value"]) * factor.bound("low")
    high = raw.get("high", raw["value"]) * factor.bound("high")
    return {"low": low, "high": high}


def _apply_override(figures: dict[str, dict[str, Any]], override: Any, origin: str) -> list[str]:
    interior = {".".join(path.split(".")[:i]) for path in figures for i in range(1, path.count(".") + 1)}
    changed: list[str] = []

    def walk(node: Any, prefix: str) -> None:
        if not isinstance(node, Mapping):
            raise ValueError(f"{prefix or 'price override'}: expected an object in {origin}")
        for path, value in _entries(node, prefix):
            if path in figures:
                figures[path] = merge(path, figures[path], value)
                changed.append(path)
            elif path in interior:
                walk(value, path)
            else:
                raise ValueError(f"unknown key {path!r} in price override {origin}; known keys here: " + ", ".join(known(prefix)))

    def known(prefix: str) -> list[str]:
        start = prefix + "." if prefix else ""
        return sorted({p[len(start) :].split(".")[0] for p in figures if p.startswith(start)})

    def merge(path: str, old: dict[str, Any], new: Any) -> dict[str, Any]:
        if not isinstance(new, Mapping):
            new = {"value": new}
        for key in new:
            if key not in FIGURE_FIELDS:
                raise ValueError(
                    f"unknown key '{path}.{key!s}' in price override {origin}; allowed fields are " + ", ".join(FIGURE_FIELDS)
                )
        merged = {**old, **new}
        if "value" in new:
            _number(path, new["value"])
            if "source" not in new:
                merged["source"] = f"user override ({origin}); was {old['value']:g} from {old['source']}"
            if "date" not in new:
                merged["date"] = "undated"
            if "estimate" not in new:
                merged["estimate"] = False
            for end in BOUNDS:  # a value of the user's own is a point unless they give its range too
                if end not in new:
                    merged.pop(end, None)
        return merged

    walk(override, "")
    return changed


def load_prices(region: str, override_path: str | Path | None = None) -> PriceTable:
    """The packaged price table resolved for `region`, then the user's file merged over it.

    The override is JSON shaped like the table's `base` plus `assumptions`, e.g.
    `{"medialive": {"outputPerHour": {"SD": 0.30}}, "assumptions": {"cacheHitRatio": 0.95}}`;
    a number replaces a figure's value, an object replaces the fields it names. Keys starting
    with `_` are comments. Any other unknown key raises ValueError naming it. A region not in
    the table gets the us-east-1 figures, flagged as estimates.
    """
    data = json.loads(_packaged_text())
    pricing_region, raw = _resolve_region(data, region)
    changed: list[str] = []
    if override_path is not None:
        path = Path(override_path)
        try:
            override = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ValueError(f"price override {path}: not valid JSON ({error})") from None
        changed = _apply_override(raw, override, str(path))
    figures = {path: Figure.from_dict(path, fig) for path, fig in raw.items()}
    return PriceTable(region=region, pricing_region=pricing_region, figures=figures, overridden=tuple(changed))
