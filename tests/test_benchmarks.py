"""The benchmark's baseline must do the product's work: the same files, sheets, headers and figures, or its
ratio means nothing."""
from __future__ import annotations

import io
import json
import sys

import openpyxl

from bottleneck_core import run_pipeline
from bottleneck_core.config import DEFAULT_CONFIG_PATH, load_config
from conftest import REPO


def _sheets(workbook_bytes: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_the_seed_baseline_writes_the_products_deliverables_with_the_same_figures(real_paths):
    sys.path.insert(0, str(REPO))
    from benchmarks.baseline import seed_monthly_run

    config = load_config(DEFAULT_CONFIG_PATH)
    seed = seed_monthly_run(*(p.read_bytes() for p in real_paths), config)
    ours = run_pipeline(*real_paths, config=config).exports()

    assert set(seed) == set(ours)
    seed_summary, our_summary = json.loads(seed["summary.json"]), json.loads(ours["summary.json"])
    for key in ("rows", "revenue_total", "premium_count", "ordinary_count", "checks_passed"):
        assert seed_summary[key] == our_summary[key], key
    assert seed_summary["revenue_total"] == 70568.6 and seed_summary["premium_count"] == 30
    assert all(c["status"] == "passed" for c in json.loads(seed["checks.json"]))

    seed_sheets, our_sheets = _sheets(seed["rapport_ca.xlsx"]), _sheets(ours["rapport_ca.xlsx"])
    assert list(seed_sheets) == list(our_sheets)
    for name in seed_sheets:
        assert seed_sheets[name][0] == our_sheets[name][0], name
    assert len(seed_sheets["CA par produit"]) == len(our_sheets["CA par produit"])
    top_revenues = [[row[5] for row in sheets["CA par produit"][1:4]] for sheets in (seed_sheets, our_sheets)]
    assert top_revenues[0] == top_revenues[1]
    for csv in ("vins_premium.csv", "vins_ordinaires.csv"):
        seed_lines = seed[csv].decode("utf-8-sig").splitlines()
        our_lines = ours[csv].decode("utf-8-sig").splitlines()
        assert seed_lines[0] == our_lines[0].replace('"', "")
        assert len(seed_lines) == len(our_lines)
