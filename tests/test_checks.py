"""Checks are data: each has a status, expected and actual, a French message and its offending rows; the checks that
hold for any month catch a join that lost products and a month unlike the one before."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bottleneck_core import run_pipeline
from bottleneck_core.checks import CHECKS, MonthFigures, verdict
from bottleneck_core.checks.drift import relative_change
from bottleneck_core.checks.invariants import count_check, reference_check, rows_accounted
from bottleneck_core.config import Config, Expectation, Levels
from bottleneck_core.steps.lineage import StepResult, rows_where
from conftest import REPO


def status(result) -> dict[str, str]:
    return {c.id: c.status for c in result.checks}


def test_a_reference_figure_within_tolerance_passes():
    config = Config(expectations={"revenue_total": Expectation(70568.60, 0.01)})
    assert reference_check("revenue_total", 70568.605, config).status == "passed"


def test_a_reference_figure_off_target_fails_with_both_values_in_french():
    result = reference_check("erp_rows", 1200, Config(expectations={"erp_rows": Expectation(825)}))
    assert (result.status, result.expected, result.actual) == ("failed", 825, 1200)
    assert result.message == "Lignes ERP après dédoublonnage : 1 200 obtenu, 825 attendu."


def test_an_absent_reference_is_skipped_not_passed():
    result = reference_check("merged_rows", 714, Config())
    assert result.status == "skipped" and result.passed is None


def test_a_reference_premium_count_is_ignored_at_a_simulated_threshold():
    result = reference_check("premium_count", 49, Config(expectations={"premium_count": Expectation(30)}), True)
    assert result.status == "skipped" and "seuil simulé" in result.message and not result.blocking_failure


def test_an_uncomputable_figure_is_neither_passed_nor_failed():
    result = reference_check("premium_count", None, Config(expectations={"premium_count": Expectation(30)}))
    assert result.status == "not_computable" and result.passed is None and not result.blocking_failure


@pytest.mark.parametrize("rows_in, out, removed, fragment", [
    (3, 2, 0, "Nettoyage ERP : 3 lignes en entrée, mais 2 en sortie et 0 écartées : 1 lignes ont disparu sans motif."),
    (3, 2, 1, "Nettoyage ERP : 3 lignes en entrée = 2 en sortie + 1 écartées."),
])
def test_the_step_balance_reads_as_a_sentence(rows_in, out, removed, fragment):
    frame = pd.DataFrame({"a": range(out)})
    step = StepResult("clean_erp", rows_in, frame, pd.DataFrame({"motif": ["x"] * removed}))
    check = rows_accounted(step)
    assert check.message.startswith(fragment) and check.status == ("passed" if rows_in == out + removed else "failed")


def test_count_check_keeps_a_sample_and_the_full_count():
    result = count_check("erp_price_not_negative", pd.DataFrame({"x": range(120)}),
                         ("ligne ERP au prix négatif", "lignes ERP au prix négatif"))
    assert result.offending_count == 120 and len(result.offending) == 50
    assert result.severity == "warning" and result.status == "failed"


def test_one_row_at_fault_is_written_in_the_singular():
    one, two = (count_check("web_all_matched", pd.DataFrame({"sku": ["a", "b"][:n]}),
                            ("produit du site sans produit ERP", "produits du site sans produit ERP")) for n in (1, 2))
    assert one.message.startswith("1 produit du site sans produit ERP. ")
    assert two.message.startswith("2 produits du site sans produit ERP. ")


def test_a_join_that_keeps_nothing_blocks_the_month_whatever_the_configuration(month):
    erp = pd.DataFrame({"product_id": ["1", "2"], "price": [10.0, 20.0], "stock_quantity": [1, 1]})
    liaison = pd.DataFrame({"product_id": ["1", "2"], "id_web": ["a", "b"]})
    web = pd.DataFrame({"sku": ["x", "y"], "total_sales": [3.0, 4.0], "post_title": ["X", "Y"]})
    result = run_pipeline(erp, liaison, web)  # no reference figure at all
    checks = {c.id: c for c in result.checks}
    assert result.revenue_total == 0.0 and not result.checks_passed
    assert {c.id for c in result.checks if c.blocking_failure} == {"merged_not_empty", "erp_coverage",
                                                                  "web_sales_coverage", "revenue_positive"}
    assert checks["erp_coverage"].offending_count == 2 and checks["web_sales_coverage"].offending_count == 2
    assert verdict(result.checks).startswith("4 contrôles bloquants en échec : La fusion garde des produits")


def test_coverage_blocks_below_its_minimum_and_warns_below_its_second_level():
    erp = pd.DataFrame({"product_id": [str(i) for i in range(10)], "price": np.arange(10.0), "stock_quantity": 1})
    web = pd.DataFrame({"sku": [f"w{i}" for i in range(10)], "total_sales": 1.0, "post_title": "Vin"})
    levels = {"erp_matched": Levels(0.5, 0.8), "web_sales_matched": Levels(0.0, 0.0)}

    def erp_coverage(linked: int):
        liaison = pd.DataFrame({"product_id": [str(i) for i in range(10)],
                                "id_web": [f"w{i}" if i < linked else None for i in range(10)]})
        return next(c for c in run_pipeline(erp, liaison, web, Config(coverage=levels)).checks
                    if c.id == "erp_coverage")
    assert (erp_coverage(9).status, erp_coverage(9).severity) == ("passed", "error")
    warned = erp_coverage(6)
    assert (warned.status, warned.severity, warned.actual) == ("failed", "warning", 0.6)
    assert "sous le minimum d'alerte de 80,0 %" in warned.message and warned.offending_count == 4
    blocked = erp_coverage(4)
    assert (blocked.status, blocked.severity) == ("failed", "error") and "minimum bloquant de 50,0 %" in blocked.message


def test_sales_that_reach_no_price_fail_revenue_positive(month):
    result = month([None, None], [3.0, 4.0])
    check = next(c for c in result.checks if c.id == "revenue_positive")
    assert check.status == "failed" and check.offending_count == 2 and result.revenue_total == 0.0


@pytest.mark.parametrize("sales", [[0.0, 0.0], [None, None]])
def test_a_month_with_no_sales_at_all_is_a_blocking_failure_not_a_0_euro_month(month, sales):
    # An export whose sales column came out empty or at zero is not a quiet month of a wine merchant.
    result = month([10.0, 20.0], sales)
    check = next(c for c in result.checks if c.id == "revenue_positive")
    assert (check.status, check.severity, check.actual) == ("failed", "error", 0.0) and not result.checks_passed
    assert check.message == ("Chiffre d'affaires de 0,00 € pour 0 produit vendu sur le site. L'export WEB ne compte "
                             "aucune vente (colonne total_sales vide ou à zéro) : ce n'est pas l'export d'un mois "
                             "d'activité.")


def test_a_product_with_a_price_but_no_sales_is_a_revenue_warning(month):
    # One product of ten: its revenue is not counted, said with its row (90 % computable, the blocking minimum).
    check = next(c for c in month([10.0 + i for i in range(10)], [None] + [1.0] * 9).checks
                 if c.id == "revenue_computable")
    assert check.status == "failed" and check.severity == "warning" and check.offending["product_id"].tolist() == ["0"]
    assert check.message.startswith("Produits fusionnés au CA calculable : 9 sur 10 (90,0 %), sous le minimum d'alerte")


def test_revenue_left_uncounted_for_a_tenth_of_the_products_or_more_blocks_the_month(month):
    # 40 % of the prices blank: the revenue shown would be missing 40 % of the products, under a green banner.
    result = month([None] * 4 + [10.0 + i for i in range(6)], [1.0] * 10)
    check = next(c for c in result.checks if c.id == "revenue_computable")
    assert (check.status, check.severity, check.offending_count) == ("failed", "error", 4) and not result.checks_passed


@pytest.mark.parametrize("scale, passed", [(1, True), (100, False), (0.001, False)])
def test_prices_read_in_the_wrong_unit_block_even_a_first_month(real_frames, scale, passed):
    erp = real_frames["erp"].assign(price=real_frames["erp"]["price"] * scale)  # in cents, or in thousands
    result = run_pipeline(erp, real_frames["liaison"], real_frames["web"])  # no reference, no previous month
    check = next(c for c in result.checks if c.id == "price_plausible")
    assert check.passed is passed and result.checks_passed is passed
    if not passed:
        assert "hors de la plage plausible 2,00 € – 500,00 €" in check.message and check.severity == "error"


@pytest.mark.parametrize("figure, factor, blocked", [("revenue_total", 100, True), ("revenue_total", 10, True),
                                                     ("revenue_total", 2, False), ("merged_rows", 0.3, True),
                                                     ("premium_count", 10, False)])
def test_a_figure_multiplied_or_divided_by_three_since_last_month_blocks(month, figure, factor, blocked):
    now = month([10.0, 20.0], [3.0, 5.0], period="2026-10")  # revenue 130 €, 2 products, no premium
    figures = {**{k: v for k, v in now.figures.items()}, "price_mean": 15.0}
    figures[figure] = (now.figures[figure] or 1) / factor  # last month's figure, so that this one is × factor
    result = month([10.0, 20.0], [3.0, 5.0], previous=MonthFigures("2026-09", 2.0, figures), period="2026-10")
    check = next(c for c in result.checks if c.id == f"change_{figure}")
    assert check.status == "failed" and (check.severity == "error") is blocked
    if blocked:
        assert "ce n'est pas un mois ordinaire mais une erreur d'export" in check.message


def test_a_month_compared_with_the_previous_warns_beyond_the_allowed_change_with_both_values(month):
    previous = MonthFigures("2026-09", 2.0, {"erp_rows": 2, "liaison_rows": 2, "web_clean_rows": 2,
                                             "web_dedup_rows": 2, "merged_rows": 2, "revenue_total": 100.0,
                                             "premium_count": 0, "price_mean": 15.0})
    result = month([10.0, 20.0], [3.0, 5.0], previous=previous, period="2026-10")  # revenue 130 €: +30 %
    checks = {c.id: c for c in result.checks}
    change = checks["change_revenue_total"]
    assert (change.status, change.severity, change.expected, change.actual) == ("failed", "warning", 100.0, 130.0)
    assert change.message.startswith("Chiffre d'affaires total : 130,00 € en octobre 2026 contre 100,00 € en "
                                     "septembre 2026 (+30,0 %), au-delà de ± 25,0 %.")
    assert checks["change_merged_rows"].status == "passed" and result.checks_passed  # a warning only


def test_no_previous_month_skips_the_comparison_and_another_threshold_skips_the_premium_count(month):
    assert status(month([10.0, 20.0], [1.0, 1.0]))["change_revenue_total"] == "skipped"
    previous = MonthFigures("2026-09", 1.5, {"premium_count": 3})
    checks = status(month([10.0, 20.0], [1.0, 1.0], previous=previous))
    assert checks["change_premium_count"] == "skipped" and checks["change_price_mean"] == "not_computable"


def test_every_figure_of_the_previous_month_again_is_said_even_from_other_files(month):
    figures = {c.id: c for c in month([10.0, 20.0], [3.0, 5.0]).checks}  # no previous month: skipped
    assert figures["not_previous_exports"].status == "skipped"
    same = month([10.0, 20.0], [3.0, 5.0], period="2026-10")
    previous = MonthFigures("2026-09", 2.0, dict(same.figures))  # re-exported: other bytes, every figure the same
    check = next(c for c in month([10.0, 20.0], [3.0, 5.0], previous=previous, period="2026-10").checks
                 if c.id == "not_previous_exports")
    assert (check.status, check.severity) == ("failed", "warning")
    assert check.message.startswith("Le chiffre d'affaires (130,00 €), les nombres de produits et le prix moyen sont "
                                    "les mêmes qu'en septembre 2026 : ce sont sans doute les exports de ce mois-là")
    one_sale_more = month([10.0, 20.0], [3.0, 6.0], previous=previous, period="2026-10")
    assert status(one_sale_more)["not_previous_exports"] == "passed"


def test_only_a_liaison_file_unchanged_since_last_month_is_not_a_repeated_month(real_result):
    from dataclasses import replace

    from bottleneck_core.pipeline import checked

    prints = {kind: table.sha256 for kind, table in real_result.sources.items()}
    figures = dict(real_result.figures, revenue_total=65000.0)  # another month's sales
    for same, expected in ((("liaison",), "passed"), (("web",), "failed"), (("erp", "liaison"), "failed")):
        previous = MonthFigures("2026-09", 2.0, figures, {kind: prints[kind] for kind in same})
        check = next(c for c in checked(replace(real_result, previous=previous)).checks
                     if c.id == "not_previous_exports")
        assert check.status == expected, same
        if same == ("web",):  # one export: said in the singular
            assert check.message.startswith("L'export WEB est identique, octet pour octet, à celui enregistré pour "
                                            "septembre 2026 : c'est sans doute celui de ce mois-là, déposé de nouveau")


@pytest.mark.parametrize("before, after, change", [(100, 130, 0.3), (100, 50, -0.5), (0, 0, 0.0), (-10, -5, 0.5)])
def test_relative_change_is_signed_and_measured_on_the_earlier_value(before, after, change):
    assert relative_change(before, after) == pytest.approx(change)
    assert relative_change(0, 3) == float("inf")


@pytest.mark.parametrize("check_id", sorted(CHECKS))
def test_every_check_is_explained_in_the_readme(check_id):
    assert f"`{check_id}`" in (REPO / "README.md").read_text(encoding="utf-8")


def test_rows_where_keeps_the_rows_whose_mask_holds_and_skips_missing_ones():
    frame = pd.DataFrame({"sku": ["a", "b", "c"], "price": [1.0, -2.0, 3.0]}, index=[10, 11, 12])
    assert rows_where(frame, frame["price"] < 0).index.tolist() == [11]
    assert rows_where(frame, pd.Series([True, pd.NA, True], dtype="boolean", index=frame.index))["sku"].tolist() \
        == ["a", "c"]
    none = rows_where(frame, np.zeros(3, dtype=bool))
    assert none.empty and list(none.columns) == ["sku", "price"]
