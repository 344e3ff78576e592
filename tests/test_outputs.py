"""Deliverables: the report and extracts open as French users expect, hold the same figures, carry no formula."""
from __future__ import annotations

import io
import json
from dataclasses import replace

import openpyxl
import pandas as pd
import pytest

from bottleneck_core import deliverables, run_pipeline, with_threshold
from bottleneck_core.outputs import report
from bottleneck_core.outputs.bundle import download_name
from bottleneck_core.outputs.extracts import french_csv, neutralise
from bottleneck_core.sample import generate

SHEETS = ["CA par produit", "Vins premium", "Vins ordinaires", "Synthèse", "Contrôles"]


@pytest.fixture(scope="module")
def real_files(real_result):
    return deliverables(real_result)


def book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig", dtype={"Identifiant produit": str})


def test_the_report_has_five_sheets_holding_the_same_figures_as_the_csvs(real_files):
    workbook = book(real_files["rapport_ca.xlsx"])
    assert workbook.sheetnames == SHEETS
    products = workbook["CA par produit"]
    assert [c.value for c in products[1]] == ["Identifiant produit", "SKU", "Vin", "Prix (€)", "Ventes (unités)",
                                              "Chiffre d'affaires (€)"]
    revenues = [row[5] for row in products.iter_rows(min_row=2, values_only=True)]
    assert len(revenues) == 714 and revenues == sorted(revenues, reverse=True) and round(sum(revenues), 2) == 70568.6
    assert products.freeze_panes == "A2" and products.auto_filter.ref
    for sheet, csv in (("Vins premium", "vins_premium.csv"), ("Vins ordinaires", "vins_ordinaires.csv")):
        rows = list(workbook[sheet].iter_rows(min_row=2, values_only=True))
        extract = read_csv(real_files[csv])
        assert [r[0] for r in rows] == extract["Identifiant produit"].tolist()
        assert [r[4] for r in rows] == extract["Chiffre d'affaires (€)"].tolist()
        assert [r[5] for r in rows] == pytest.approx(extract["Z-score du prix"].tolist(), abs=5e-5)
    synthesis = {row[0]: row[1] for row in workbook["Synthèse"].iter_rows(min_row=2, values_only=True)}
    assert synthesis["Chiffre d'affaires total (€)"] == 70568.6 and synthesis["Vins premium"] == 30
    assert synthesis["Mois analysé"] == "octobre 2026" and synthesis["Seuil de z-score"] == 2


def test_the_checks_sheet_reads_titles_and_french_steps_first_and_ids_last(real_result, real_files):
    sheet = book(real_files["rapport_ca.xlsx"])["Contrôles"]
    assert [c.value for c in sheet[1]] == ["Étape", "Contrôle", "Gravité", "Statut", "Attendu", "Obtenu",
                                           "Lignes en cause", "Message", "Identifiant"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(real_result.checks)
    revenue = next(r for r in rows if r[-1] == "revenue_total")
    assert revenue[:6] == ("Chiffre d'affaires par produit", "Chiffre d'affaires total", "bloquant", "réussi",
                           70568.6, 70568.6)
    assert not any(r[0] in ("clean_erp", "merge") for r in rows)


def test_the_csv_extracts_open_in_french_excel_with_euros_in_cents_and_zscores_in_four_decimals(real_files):
    import csv
    import re

    rows = list(csv.reader(io.StringIO(real_files["vins_premium.csv"].decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Identifiant produit", "SKU", "Vin", "Prix (€)", "Chiffre d'affaires (€)", "Z-score du prix"]
    assert all(re.fullmatch(r"\d+,\d\d", row[3]) and re.fullmatch(r"\d+,\d\d", row[4]) for row in rows[1:])
    assert all(re.fullmatch(r"\d+,\d{4}", row[5]) for row in rows[1:])  # 2,1234: never rounded to 2,1
    premium = read_csv(real_files["vins_premium.csv"])
    assert len(premium) == 30 and (premium["Z-score du prix"] > 2).all()
    assert len(read_csv(real_files["vins_ordinaires.csv"])) == 684


def test_synthese_json_says_what_was_analysed(real_result, real_files):
    summary = json.loads(real_files["synthese.json"])
    assert (summary["period"], summary["revenue_total"], summary["premium_count"]) == ("2026-10", 70568.6, 30)
    assert summary["rows"] == {"erp_raw": 825, "erp_clean": 825, "liaison_raw": 825, "liaison_clean": 825,
                               "web_raw": 1513, "web_clean": 1428, "web_dedup": 714, "merged": 714}
    assert (summary["simulated"], summary["sample"], summary["checks_passed"]) == (False, False, True)
    assert {k: v["name"] for k, v in summary["sources"].items()} == {"erp": "erp.xlsx", "liaison": "liaison.xlsx",
                                                                     "web": "web.xlsx"}


def test_controles_json_lists_every_check_with_its_rows(real_result, real_files):
    checks = json.loads(real_files["controles.json"])
    assert len(checks) == len(real_result.checks)
    conflicts = next(c for c in checks if c["id"] == "web_sales_conflicts")
    assert conflicts["offending_count"] == 6 and len(conflicts["offending_rows"]) == 6
    assert conflicts["step_title"] == "Dédoublonnage WEB (un sku, une ligne)"


def test_a_simulated_threshold_is_said_in_the_files_and_their_names(real_result):
    simulated = with_threshold(real_result, 1.5)
    summary = json.loads(deliverables(simulated)["synthese.json"])
    assert (summary["threshold"], summary["threshold_of_record"], summary["simulated"]) == (1.5, 2.0, True)
    assert download_name("rapport_ca.xlsx", simulated) == "rapport_ca_2026-10_seuil-1,50.xlsx"
    assert download_name("rapport_ca.xlsx", real_result) == "rapport_ca_2026-10.xlsx"


def test_formula_like_titles_stay_text_in_every_export():
    sample = generate()
    result = run_pipeline(sample.erp, sample.liaison, sample.web, sample.config)
    files = deliverables(result)
    titles = [row[2] for row in book(files["rapport_ca.xlsx"])["CA par produit"].iter_rows(min_row=2)]
    formula = [c for c in titles if str(c.value).startswith("=")]
    assert formula and all(c.data_type == "s" for c in formula)
    names = pd.concat([read_csv(files[f]) for f in ("vins_premium.csv", "vins_ordinaires.csv")])["Vin"]
    assert names.str.startswith("'=HYPERLINK").sum() == 1 and names.str.startswith("'+Cuvée").sum() == 1
    assert not names.str.match(r"[=+\-@]").any()


def test_neutralise_prefixes_only_risky_text():
    texts = pd.Series(["=1+1", "+33", "-x", "@SUM", "\tA", "\rB", "Château", "a=b", None])
    assert neutralise(texts).tolist()[:-1] == ["'=1+1", "'+33", "'-x", "'@SUM", "'\tA", "'\rB", "Château", "a=b"]
    assert pd.isna(neutralise(texts).iloc[-1])


def test_french_csv_writes_missing_values_as_empty_cells_and_booleans_as_oui_non():
    text = french_csv(pd.DataFrame({"price": [1.5, None], "premium": [True, False]})).decode("utf-8-sig")
    assert text.splitlines() == ['"Prix (€)";"Premium"', '"1,50";"oui"', ';"non"']
    on_sale = french_csv(pd.DataFrame({"onsale_web": [1.0, 0.0, None]})).decode("utf-8-sig")  # as on screen, not 1/0
    assert on_sale.splitlines() == ['"En vente sur le web"', '"oui"', '"non"', ""]


def test_a_list_longer_than_a_sheet_goes_on_in_the_next_sheet(real_result, monkeypatch):
    monkeypatch.setattr(report, "MAX_SHEET_ROWS", 301)  # 300 products a sheet instead of 1 048 575
    workbook = book(report.write_report(real_result))
    assert workbook.sheetnames[:4] == ["CA par produit", "CA par produit (2)", "CA par produit (3)", "Vins premium"]
    continued = [row for name in workbook.sheetnames[:3] for row in workbook[name].iter_rows(min_row=2, values_only=True)]
    assert len(continued) == 714 and round(sum(r[5] for r in continued), 2) == 70568.6
    assert [c.value for c in workbook["CA par produit (3)"][1]][0] == "Identifiant produit"


def test_uncomputable_statistics_leave_no_nan_in_any_file():
    n = 3
    erp = pd.DataFrame({"product_id": range(1, n + 1), "price": [12.5] * n, "stock_quantity": [1] * n})
    liaison = pd.DataFrame({"product_id": range(1, n + 1), "id_web": range(11, 11 + n)})
    web = pd.DataFrame({"sku": range(11, 11 + n), "total_sales": [2.0] * n, "post_title": ["Vin"] * n})
    files = deliverables(run_pipeline(erp, liaison, web))
    for name, data in files.items():
        if name.endswith((".csv", ".json")):
            text = data.decode("utf-8-sig").lower()
            assert "nan" not in text and "inf" not in text, name
    values = [c.value for sheet in book(files["rapport_ca.xlsx"]) for row in sheet.iter_rows() for c in row]
    assert not any(isinstance(v, str) and v.lower() in ("nan", "inf", "-inf") for v in values)


def test_the_synthesis_sets_every_figure_compared_beside_the_previous_months(real_result):
    from dataclasses import replace

    from bottleneck_core.checks import MonthFigures

    previous = MonthFigures("2026-09", 2.0, {**real_result.figures, "revenue_total": 70000.0, "products_sold": 400})
    sheet = book(report.write_report(replace(real_result, previous=previous)))["Synthèse"]
    assert [c.value for c in sheet[1]] == ["Indicateur", "Ce mois", "Mois précédent", "Écart"]
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Produits vendus (CA > 0)"][:2] == (385, 400)  # the history keeps it: never left blank
    assert rows["Chiffre d'affaires total (€)"][:2] == (70568.6, 70000.0)


def test_a_check_s_status_reads_the_same_in_the_report_as_on_screen(real_result):
    from bottleneck_core.outputs.tables import check_rows
    from bottleneck_core.views.lineage import check_line

    rows = check_rows(real_result.checks).set_index("Identifiant")
    warned = next(c for c in real_result.checks if c.id == "erp_price_not_negative")
    assert rows.loc["erp_price_not_negative", "Statut"] == check_line(warned)["status"] == "avertissement"
    assert rows.loc["erp_rows", "Statut"] == "réussi"
    broken = replace(next(c for c in real_result.checks if c.id == "erp_rows"), status="failed")
    assert check_rows((broken,))["Statut"].item() == check_line(broken)["status"] == "échec"


def test_the_report_s_synthesis_gives_the_verdict_as_the_screen_says_it(real_result):
    from bottleneck_core.views.lineage import banner

    book = openpyxl.load_workbook(io.BytesIO(deliverables(real_result)["rapport_ca.xlsx"]))
    synthesis = {row[0]: row[1] for row in book["Synthèse"].iter_rows(values_only=True)}
    assert synthesis["Verdict, comme à l'écran"] == banner(real_result).text
    assert synthesis["Verdict, comme à l'écran"].startswith(
        "Tous les contrôles bloquants sont réussis (7 / 7 contrôles de référence réussis)")
