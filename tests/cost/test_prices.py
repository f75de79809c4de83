"""The price table: packaged figures with sources, region resolution, user overrides."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from livestream import cost
from tests.cost.helpers import PRICES, usage, v, viewer_hours, write

# --- the table ---------------------------------------------------------------------------


def test_packaged_table_is_json_and_every_figure_has_value_unit_source_and_date() -> None:
    raw = json.loads(resources.files("livestream.cost").joinpath("prices.json").read_text(encoding="utf-8"))
    assert raw["baseRegion"] == "us-east-1"
    assert "ap-northeast-2" in raw["regions"]
    for region in ("us-east-1", "ap-northeast-2"):
        table = cost.load_prices(region)
        assert len(table.figures) > 40
        for path, fig in table.figures.items():
            assert fig.unit and fig.source and fig.date, path


def test_unsourced_figures_are_marked_estimates() -> None:
    for path in (
        "medialive.inputPerHour.SD",
        "medialive.inputPerHour.UHD",
        "medialive.idleChannelPerHour",
        "medialive.idlePushInputPerHour",
        "medialive.pipelineFactor.STANDARD",
        "mediapackage.ingestPerGb",  # a v1 figure used for v2
        "mediapackage.originationPerGb",
        "assumptions.cacheHitRatio",
    ):
        assert PRICES.figure(path).estimate, path
    assert not PRICES.figure("medialive.outputPerHour.SD").estimate
    assert not PRICES.figure("cloudfront.perGb.korea.first10TB").estimate
    assert PRICES.value("secretsmanager.secretPerMonth") == 0.40
    assert "secrets-manager/pricing" in PRICES.figure("secretsmanager.secretPerMonth").source


def test_seoul_applies_uplift_factors_and_flags_them_as_estimates() -> None:
    raw = json.loads(resources.files("livestream.cost").joinpath("prices.json").read_text(encoding="utf-8"))
    uplift = raw["regions"]["ap-northeast-2"]["uplift"]
    seoul = cost.load_prices("ap-northeast-2")
    for path, service in (("medialive.outputPerHour.SD", "medialive"), ("mediapackage.ingestPerGb", "mediapackage")):
        assert seoul.value(path) == pytest.approx(PRICES.value(path) * uplift[service]["value"])
        assert seoul.figure(path).estimate
    explicit = raw["regions"]["ap-northeast-2"]["figures"]["s3"]["standardPerGbMonth"]["value"]
    assert seoul.value("s3.standardPerGbMonth") == explicit
    # CloudFront is priced by where viewers are, not where the platform is; counts are not money.
    assert seoul.value("cloudfront.perGb.korea.first10TB") == PRICES.value("cloudfront.perGb.korea.first10TB")
    assert seoul.value("cloudwatch.freeAlarms") == PRICES.value("cloudwatch.freeAlarms")


def test_region_changes_the_estimate() -> None:
    east = cost.estimate(usage())
    seoul = cost.estimate(usage(region="ap-northeast-2"))
    factor = cost.load_prices("ap-northeast-2").value("medialive.outputPerHour.SD") / v("medialive.outputPerHour.SD")
    assert seoul.item("MediaLive channels").monthly_usd == pytest.approx(east.item("MediaLive channels").monthly_usd * factor)
    assert seoul.monthly_usd > east.monthly_usd
    assert seoul.assumptions["pricingRegion"] == "ap-northeast-2"


def test_a_region_not_in_the_table_uses_us_east_1_figures_flagged_as_estimates() -> None:
    table = cost.load_prices("eu-west-2")
    assert table.pricing_region == "us-east-1"
    fig = table.figure("medialive.outputPerHour.SD")
    assert fig.value == v("medialive.outputPerHour.SD")
    assert fig.estimate and "eu-west-2 is not in the price table" in fig.source


# --- overrides ---------------------------------------------------------------------------


def test_override_file_changes_a_price_and_records_its_source(tmp_path: Path) -> None:
    path = write(tmp_path, {"_comment": "ours", "medialive": {"outputPerHour": {"SD": 0.5}}})
    table = cost.load_prices("us-east-1", path)
    assert table.value("medialive.outputPerHour.SD") == 0.5
    assert "user override" in table.figure("medialive.outputPerHour.SD").source
    assert table.overridden == ("medialive.outputPerHour.SD",)
    assert table.value("medialive.outputPerHour.HD") == v("medialive.outputPerHour.HD")  # the rest is untouched
    got = cost.estimate(usage(), table).item("MediaLive channels").monthly_usd
    assert got == pytest.approx(120 * (v("medialive.inputPerHour.SD") + 3 * 0.5))


def test_override_object_form_replaces_named_fields(tmp_path: Path) -> None:
    path = write(
        tmp_path, {"assumptions": {"cacheHitRatio": {"value": 0.95, "source": "our CloudFront reports", "date": "2026-05"}}}
    )
    table = cost.load_prices("ap-northeast-2", path)
    fig = table.figure("assumptions.cacheHitRatio")
    assert (fig.value, fig.source, fig.date, fig.estimate) == (0.95, "our CloudFront reports", "2026-05", False)
    got = cost.estimate(usage(viewer_hours_per_month=viewer_hours(1000)), table).item("MediaPackage origination")
    assert got.monthly_usd == pytest.approx(1000 * (1 - 0.95) * table.value("mediapackage.originationPerGb"))


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ({"medialive": {"outputPerHour": {"XD": 1.0}}}, "medialive.outputPerHour.XD"),
        ({"mediaconvert": {"perMinute": 1.0}}, "mediaconvert"),
        ({"s3": {"standardPerGbMonth": {"valeu": 0.02}}}, "s3.standardPerGbMonth.valeu"),
        ({"cloudfront": {"perGb": {"mars": {"first10TB": 1}}}}, "cloudfront.perGb.mars"),
    ],
)
def test_unknown_override_key_is_refused_by_name(tmp_path: Path, override: dict[str, Any], key: str) -> None:
    with pytest.raises(ValueError, match="unknown key '" + re.escape(key) + "'"):
        cost.load_prices("us-east-1", write(tmp_path, override))


@pytest.mark.parametrize("bad", [-1, "cheap", True, None])
def test_override_value_must_be_a_non_negative_number(tmp_path: Path, bad: Any) -> None:
    with pytest.raises(ValueError, match=re.escape("medialive.outputPerHour.SD")):
        cost.load_prices("us-east-1", write(tmp_path, {"medialive": {"outputPerHour": {"SD": bad}}}))


def test_override_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{medialive: 1", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid JSON"):
        cost.load_prices("us-east-1", path)
