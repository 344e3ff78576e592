"""The benchmark compares like with like: the seed's approach and the plain script write the product's files with the
same sheets, headers and figures, and the large month joins like a real one; otherwise a ratio means nothing."""
from __future__ import annotations

import io
import json
import subprocess
import sys

import openpyxl

from bottleneck_core import deliverables, run_pipeline
from bottleneck_core.config import DEFAULT_CONFIG_PATH, load_config
from conftest import REPO


def sheets(workbook: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_the_seed_baseline_writes_the_products_deliverables_with_the_same_figures(real_paths):
    sys.path.insert(0, str(REPO))
    from benchmarks.baseline import seed_monthly_run

    config = load_config(DEFAULT_CONFIG_PATH)
    seed = seed_monthly_run(*(p.read_bytes() for p in real_paths), config)
    ours = deliverables(run_pipeline(*real_paths, config=config))
    assert set(seed) == set(ours)
    seed_summary, our_summary = json.loads(seed["synthese.json"]), json.loads(ours["synthese.json"])
    for key in ("rows", "revenue_total", "premium_count", "ordinary_count", "checks_passed"):
        assert seed_summary[key] == our_summary[key], key
    seed_sheets, our_sheets = sheets(seed["rapport_ca.xlsx"]), sheets(ours["rapport_ca.xlsx"])
    assert list(seed_sheets) == list(our_sheets)
    for name in seed_sheets:
        assert seed_sheets[name][0] == our_sheets[name][0] or name == "Synthèse", name
        if name != "Synthèse" and name != "Contrôles":
            assert len(seed_sheets[name]) == len(our_sheets[name]), name
    assert [r[5] for r in seed_sheets["CA par produit"][1:4]] == [r[5] for r in our_sheets["CA par produit"][1:4]]
    for csv in ("vins_premium.csv", "vins_ordinaires.csv"):
        seed_lines, our_lines = (files[csv].decode("utf-8-sig").splitlines() for files in (seed, ours))
        assert seed_lines[0] == our_lines[0].replace('"', "") and len(seed_lines) == len(our_lines)


def test_the_plain_script_writes_the_same_files_and_finds_the_same_figures(real_data, tmp_path):
    done = subprocess.run([sys.executable, "-m", "benchmarks.plain", str(real_data), str(tmp_path)], cwd=REPO,
                          capture_output=True, text=True, check=True, timeout=120)
    summary = json.loads(done.stdout)
    assert (summary["revenue_total"], summary["premium_count"], summary["checks_passed"]) == (70568.6, 30, True)
    assert {p.name for p in tmp_path.iterdir()} == {"rapport_ca.xlsx", "vins_premium.csv", "vins_ordinaires.csv",
                                                    "synthese.json", "controles.json"}
    assert list(sheets((tmp_path / "rapport_ca.xlsx").read_bytes())) == ["CA par produit", "Vins premium",
                                                                         "Vins ordinaires", "Synthèse", "Contrôles"]


def test_the_large_month_joins_like_a_real_one(tmp_path):
    sys.path.insert(0, str(REPO))
    from benchmarks.large import build

    paths = build(tmp_path, 3_026)  # the real WEB export twice
    result = run_pipeline(paths["erp"], paths["liaison"], paths["web"])
    assert result.step("merge").rows_out == 2 * 714 and result.revenue_total == 2 * 70568.6
    assert result.checks_passed and result.sources["web"].n_columns == 28
