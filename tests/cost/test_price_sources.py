"""The price table as data: every figure sourced and dated, cited files present, guesses carried as ranges."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from livestream import cost

ROOT = Path(__file__).resolve().parents[2]
RAW = json.loads(resources.files("livestream.cost").joinpath("prices.json").read_text(encoding="utf-8"))
DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?( \(stored copy\))?$")
REPO_PATH = re.compile(r"(?<![\w/.:-])((?:docs|livestream|policies|bench|tests)/[\w./-]+\.(?:md|py|json))")
PRICED = ("base", "regions", "alternatives")  # figures that are prices, not modelling assumptions


def figures(node: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict) and "value" in node:
        yield path, node
    elif isinstance(node, dict):
        for key, child in node.items():
            if not key.startswith("_"):
                yield from figures(child, f"{path}.{key}")


ALL = [item for top in (*PRICED, "assumptions") for item in figures(RAW[top], top)]


@pytest.mark.parametrize(("path", "fig"), ALL, ids=[p for p, _ in ALL])
def test_every_figure_has_a_date_it_was_read(path: str, fig: dict[str, Any]) -> None:
    assert DATE.match(fig["date"]), f"{path}: date {fig['date']!r}"


@pytest.mark.parametrize(
    ("path", "fig"), [i for i in ALL if i[0].startswith(PRICED)], ids=lambda x: x if isinstance(x, str) else ""
)
def test_every_price_cites_a_url(path: str, fig: dict[str, Any]) -> None:
    assert "https://" in fig["source"], path


def test_every_file_a_figure_cites_is_in_the_repository() -> None:
    cited = {m for _, fig in ALL for m in REPO_PATH.findall(fig["source"] + " " + fig.get("note", ""))}
    assert "docs/pricing-sources.md" in cited
    missing = sorted(p for p in cited if not (ROOT / p).is_file())
    assert not missing, f"cited but not in the repository: {missing}"
    assert not any("reference/pricing-sources.md" in fig["source"] and "docs/" not in fig["source"] for _, fig in ALL)


def test_the_sources_file_records_the_figures_it_is_cited_for() -> None:
    text = (ROOT / "docs/pricing-sources.md").read_text(encoding="utf-8")
    for path in (
        "medialive.inputPerHour.HD",
        "medialive.outputPerHour.SD",
        "medialive.outputPerHour.HD",
        "mediapackage.ingestPerGb",
    ):
        assert f"${cost.load_prices('us-east-1').value(path):g}" in text, path


def test_a_range_contains_its_value_and_is_loaded() -> None:
    ranged = [(p, f) for p, f in ALL if "low" in f]
    assert len(ranged) >= 10
    for path, fig in ranged:
        assert fig["low"] <= fig["value"] <= fig["high"], path
    table = cost.load_prices("us-east-1")
    sd_input = table.figure("medialive.inputPerHour.SD")
    assert (sd_input.low, sd_input.high) == (
        RAW["base"]["medialive"]["inputPerHour"]["SD"]["low"],
        RAW["base"]["medialive"]["inputPerHour"]["SD"]["high"],
    )
    assert sd_input.as_dict()["low"] == sd_input.low


def test_every_guessed_uplift_is_a_range() -> None:
    for service, fig in RAW["regions"]["ap-northeast-2"]["uplift"].items():
        assert fig.get("estimate") and fig["low"] <= fig["value"] <= fig["high"], service


def test_an_uplift_range_scales_the_base_figure() -> None:
    seoul = cost.load_prices("ap-northeast-2")
    uplift = RAW["regions"]["ap-northeast-2"]["uplift"]["medialive"]
    base = cost.load_prices("us-east-1").value("medialive.outputPerHour.HD")
    fig = seoul.figure("medialive.outputPerHour.HD")
    assert (fig.low, fig.value, fig.high) == pytest.approx((base * uplift["low"], base * uplift["value"], base * uplift["high"]))


@pytest.mark.parametrize(
    ("fields", "message"),
    [({"low": 0.1}, "both low and high"), ({"low": 0.5, "high": 0.6}, "must contain the value")],
)
def test_a_bad_range_is_refused(tmp_path: Path, fields: dict[str, float], message: str) -> None:
    path = tmp_path / "o.json"
    path.write_text(json.dumps({"medialive": {"outputPerHour": {"SD": {"value": 0.3, **fields}}}}), encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        cost.load_prices("us-east-1", path)


def test_a_users_value_replaces_the_range_unless_they_give_one(tmp_path: Path) -> None:
    path = tmp_path / "o.json"
    path.write_text(json.dumps({"medialive": {"idleChannelPerHour": 0.02}}), encoding="utf-8")
    fig = cost.load_prices("us-east-1", path).figure("medialive.idleChannelPerHour")
    assert (fig.value, fig.low, fig.high) == (0.02, None, None)


def usage(region: str = "us-east-1") -> cost.Usage:
    channel = cost.ChannelUsage("main", "STANDARD", "HD", ((1280, 720, 3_000_000), (640, 360, 800_000)), 100.0)
    return cost.Usage(region=region, channels=(channel,), viewer_hours_per_month=5000, watched_kbps=3000, alarms=12)


def test_items_priced_from_guesses_carry_a_range_that_contains_the_estimate() -> None:
    got = cost.estimate(usage("ap-northeast-2"))
    channels = got.item("MediaLive channels")
    low, high = channels.range
    assert low < channels.monthly_usd < high
    assert channels.estimate
    seoul = cost.load_prices("ap-northeast-2")
    assert high == pytest.approx(cost.estimate(usage("ap-northeast-2"), seoul.at("high")).item("MediaLive channels").monthly_usd)
    total_low, total_high = got.range()
    assert total_low <= got.monthly_usd <= total_high
    assert total_low == pytest.approx(sum(i.range[0] for i in got.items), abs=0.01)


def test_items_priced_from_sourced_figures_are_points() -> None:
    got = cost.estimate(usage())
    cloudfront = got.item("CloudFront egress")
    assert not cloudfront.estimate
    assert cloudfront.range == (cloudfront.monthly_usd, cloudfront.monthly_usd)


def test_a_table_without_ranges_gives_points() -> None:
    table = cost.load_prices("us-east-1")
    points = dataclasses.replace(
        table, figures={p: dataclasses.replace(f, low=None, high=None) for p, f in table.figures.items()}
    )
    assert table.has_ranges and not points.has_ranges
    got = cost.estimate(usage(), points)
    assert got.range() == (got.monthly_usd, got.monthly_usd)
    assert cost.estimate(usage(), table).range() != got.range()
