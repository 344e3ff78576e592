"""Deliverables: the report and extracts open as French users expect and carry no live formula."""
from __future__ import annotations

import io
import json

import openpyxl
import pandas as pd
import pytest

from bottleneck_core import isolation, run_pipeline
from bottleneck_core.exports import build_exports, neutralise_column, report_tables
from bottleneck_core.report import write_report
from bottleneck_core.sample import generate


def test_report_has_three_sheets_sorted_revenue_and_the_total(real_result):
    book = openpyxl.load_workbook(io.BytesIO(real_result.exports()["rapport_ca.xlsx"]))
    assert book.sheetnames == ["CA par produit", "Synthèse", "Contrôles"]
    sheet = book["CA par produit"]
    header = [c.value for c in sheet[1]]
    assert header == ["Identifiant produit", "SKU", "Vin", "Prix (€)", "Ventes (unités)", "Chiffre d'affaires (€)"]
    revenues = [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(revenues) == 714 and revenues == sorted(revenues, reverse=True)
    assert round(sum(revenues), 2) == 70568.6
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    synthesis = {row[0]: row[1] for row in book["Synthèse"].iter_rows(min_row=2, values_only=True)}
    assert synthesis["Chiffre d'affaires total (€)"] == 70568.6
    assert synthesis["Vins premium"] == 30
    assert book["Contrôles"].max_row == len(real_result.checks) + 1


def test_csv_extracts_open_in_french_excel_as_columns(real_result):
    files = real_result.exports()
    assert files["vins_premium.csv"].startswith("\ufeff".encode("utf-8"))
    premium = pd.read_csv(io.BytesIO(files["vins_premium.csv"]), sep=";", decimal=",", encoding="utf-8-sig")
    ordinary = pd.read_csv(io.BytesIO(files["vins_ordinaires.csv"]), sep=";", decimal=",", encoding="utf-8-sig")
    assert list(premium.columns) == ["Identifiant produit", "SKU", "Vin", "Prix (€)", "Chiffre d'affaires (€)",
                                     "Z-score du prix"]
    assert (len(premium), len(ordinary)) == (30, 684)
    assert (premium["Z-score du prix"] > 2).all()


def test_summary_json_has_exactly_the_agreed_keys(real_result):
    summary = json.loads(real_result.exports()["summary.json"])
    assert list(summary) == ["period", "threshold", "rows", "revenue_total", "premium_count", "ordinary_count",
                             "checks_passed"]
    assert list(summary["rows"]) == ["erp_raw", "erp_clean", "liaison_raw", "liaison_clean", "web_raw",
                                     "web_clean", "web_dedup", "merged"]
    assert (summary["revenue_total"], summary["premium_count"]) == (70568.6, 30)


def test_checks_json_lists_every_check_with_its_rows(real_result):
    checks = json.loads(real_result.exports()["checks.json"])
    assert len(checks) == len(real_result.checks)
    conflicts = next(c for c in checks if c["id"] == "web_sales_conflicts")
    assert conflicts["offending_count"] == 6 and len(conflicts["offending_rows"]) == 6
    assert {"id", "step", "severity", "passed", "expected", "actual", "message"} <= set(checks[0])


def test_formula_like_titles_stay_text_in_every_export():
    sample = generate()
    result = run_pipeline(sample.erp, sample.liaison, sample.web, sample.config)
    book = openpyxl.load_workbook(io.BytesIO(result.exports()["rapport_ca.xlsx"]))
    titles = [c for row in book["CA par produit"].iter_rows(min_row=2) for c in row[2:3]]
    formula = [c for c in titles if str(c.value).startswith("=")]
    assert formula and all(c.data_type == "s" for c in formula)
    names = pd.concat([pd.read_csv(io.BytesIO(result.exports()[f]), sep=";", decimal=",", encoding="utf-8-sig")
                       for f in ("vins_premium.csv", "vins_ordinaires.csv")])["Vin"]
    assert names.str.startswith("'=HYPERLINK").sum() == 1 and names.str.startswith("'+Cuvée").sum() == 1
    assert not names.str.match(r"[=+\-@]").any()


def test_neutralise_prefixes_only_risky_text():
    texts = pd.Series(["=1+1", "+33", "-x", "@SUM", "\tA", "\rB", "Château", "a=b", None])
    assert neutralise_column(texts).tolist()[:-1] == ["'=1+1", "'+33", "'-x", "'@SUM", "'\tA", "'\rB", "Château", "a=b"]
    assert pd.isna(neutralise_column(texts).iloc[-1])


def _cells(report: bytes) -> dict:
    book = openpyxl.load_workbook(io.BytesIO(report))
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def test_the_worker_writes_the_same_report_as_this_process(real_result, monkeypatch):
    tables = report_tables(real_result)
    in_worker = isolation.run_isolated("write_report", tables)
    assert _cells(in_worker) == _cells(write_report(tables))
    # build_exports hands the report to the worker, and writes it here if the worker cannot.
    calls = []
    monkeypatch.setattr(isolation, "run_isolated", lambda name, *args, **options: calls.append(name) or in_worker)
    assert build_exports(real_result)["rapport_ca.xlsx"] is in_worker and calls == ["write_report"]

    def dead_worker(name, *args, **options):
        raise isolation.WorkerFailure("crash")
    monkeypatch.setattr(isolation, "run_isolated", dead_worker)
    assert _cells(build_exports(real_result)["rapport_ca.xlsx"]) == _cells(in_worker)


def test_a_large_report_is_written_here_not_in_a_worker(monkeypatch):
    # A worker's time and CPU limits are sized for parsing one upload, not for a report of many rows.
    from bottleneck_core import exports
    from bottleneck_core.report import Column, ReportTables

    monkeypatch.setattr(exports, "WORKER_REPORT_ROWS", 2)
    monkeypatch.setattr(isolation, "run_isolated", lambda *a, **k: pytest.fail("a large report went to a worker"))
    tables = ReportTables([Column("Prix", [1.0, 2.0, 3.0], "number")], [("CA", 6.0, "euro")],
                          [Column("Contrôle", ["erp_rows"], "text")])
    assert _cells(exports._report_in_worker(tables))["CA par produit"] == [("Prix",), (1,), (2,), (3,)]


def test_report_cells_keep_their_type_within_excel_limits():
    from bottleneck_core.report import MAX_TEXT, Column, ReportTables

    tables = ReportTables(
        [Column("SKU", ["4954", "=1+1", None, "x" * (MAX_TEXT + 10)], "text"),
         Column("Prix", [1.5, float("nan"), float("inf"), None], "number", "euro")],
        [("Tous les contrôles bloquants réussis", True, None), ("Prix moyen (€)", float("nan"), "euro"),
         ("Vins premium", 30, "int")],
        [Column("Obtenu", [3, "oui", False, float("-inf")], "any")])
    book = openpyxl.load_workbook(io.BytesIO(write_report(tables)))
    products = book["CA par produit"]
    assert [c.value for c in products["A"]][:3] == ["SKU", "4954", "=1+1"]
    assert products["A2"].data_type == products["A3"].data_type == "s"  # ids and formula-like text stay text
    assert products["A4"].value is None and len(products["A5"].value) == MAX_TEXT
    assert [c.value for c in products["B"]] == ["Prix", 1.5, None, None, None]  # not finite: a blank cell
    assert products["B2"].number_format == '#,##0.00 "€"' and products["A1"].font.b
    synthesis = book["Synthèse"]
    assert [c.value for c in synthesis["B"]] == ["Valeur", "oui", None, 30]
    assert (synthesis["B4"].number_format, synthesis["B2"].number_format) == ("#,##0", "General")
    assert [c.value for c in book["Contrôles"]["A"]] == ["Obtenu", 3, "oui", "non"]  # -inf: nothing written


def test_an_empty_table_still_has_its_header_and_filter():
    from bottleneck_core.report import Column, ReportTables

    tables = ReportTables([Column("Prix", [], "number", "euro"), Column("Vin", [], "text")], [],
                          [Column("Contrôle", [], "text")])
    book = openpyxl.load_workbook(io.BytesIO(write_report(tables)))
    assert [tuple(r) for r in book["CA par produit"].iter_rows(values_only=True)] == [("Prix", "Vin")]
    assert book["CA par produit"].auto_filter.ref and book["CA par produit"].freeze_panes == "A2"
    assert [tuple(r) for r in book["Synthèse"].iter_rows(values_only=True)] == [("Indicateur", "Valeur")]
