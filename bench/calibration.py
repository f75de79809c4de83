"""Calibration table: AWS's published live-streaming cost examples against this model, line by line.

Run: .venv/bin/python bench/calibration.py

Each case is priced with the guide's own assumptions (its prices, no free tier, 99 % cache hit, its ladder
and bitrates without audio, viewers at the top bitrate, GB = Mbps / 8 / 1,024 x 3,600 s). The last column
prices the same with GB = 2^30 bytes, as AWS bills. Cases and sources: livestream/cost/calibration.py and
docs/pricing-sources.md. Prints a Markdown table (the README carries a copy).
"""

from __future__ import annotations

from livestream.cost import calibration


def money(value: float | None) -> str:
    return "n/a" if value is None else f"${value:,.2f}"


def main() -> None:
    print("| example | line | published | model | difference | model at GB = 2^30 |")
    print("|---|---|---:|---:|---:|---:|")
    for row in calibration.rows():
        diff = "not modelled" if row.difference is None else f"{row.difference:+.1%}"
        if row.line.gap:
            diff += " (not reproduced, see below)"
        prices = f"{money(row.line.published)} | {money(row.model_usd)} | {diff} | {money(row.billed_gb_usd)}"
        print(f"| {row.case} | {row.line.label} | {prices} |")
    print()
    print(f"Tolerance: {calibration.TOLERANCE:.0%} per line. Not modelled: {calibration.NOT_MODELLED}.")
    for gap in dict.fromkeys(row.line.gap for row in calibration.rows() if row.line.gap):
        print(f"Not reproduced: {gap}.")


if __name__ == "__main__":
    main()
