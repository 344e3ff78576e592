"""What the pages show, computed in the core: headline figures, curves, filters, sorts, the wine's page."""
from __future__ import annotations

import re
from dataclasses import replace

import pandas as pd
import pytest

from bottleneck_core import InputError, with_threshold
from bottleneck_core.checks import MonthFigures
from bottleneck_core.views.figures import (comparison_note, pareto_curve, revenue_bins, revenue_kpis, threshold_stops,
                                           zscore_bins)
from bottleneck_core.views.lineage import banner, removed_table, step_summary
from bottleneck_core.views.products import (ProductFilter, filter_from, filter_products, parse_price, products_of,
                                            search_products, sort_products, top_products)
from bottleneck_core.views.wine import wine, wine_choices


def products(revenues, prices=None) -> pd.DataFrame:
    n = len(revenues)
    return pd.DataFrame({"product_id": [str(i) for i in range(n)], "sku": [f"s{i}" for i in range(n)],
                         "name": [f"Vin {i}" for i in range(n)], "revenue": revenues,
                         "price": prices or [10.0] * n, "total_sales": [r / 10 for r in revenues]})


def test_revenue_kpis_say_what_they_divide_by_and_the_change_since_the_previous_month(real_result):
    kpis = {k.label: k for k in revenue_kpis(real_result)}
    assert kpis["Chiffre d'affaires total"].value == "70 568,60 €" and kpis["Chiffre d'affaires total"].delta is None
    assert kpis["Produits vendus"].value == "385" and "sur 714 produits fusionnés" in kpis["Produits vendus"].help
    assert kpis["CA par produit vendu"].value == "183,30 €"  # 70 568,60 / 385, not / 714
    assert kpis["CA par produit vendu"].help == "70 568,60 € ÷ 385 produits vendus."
    previous = MonthFigures("2026-09", 2.0, {"revenue_total": 70000.0, "products_sold": 400})
    kpis = {k.label: k for k in revenue_kpis(replace(real_result, previous=previous))}
    assert (kpis["Chiffre d'affaires total"].delta, kpis["Chiffre d'affaires total"].moved) == ("+568,60 €", 1)
    assert (kpis["Produits vendus"].delta, kpis["Produits vendus"].moved) == ("-15", -1)
    assert (kpis["CA par produit vendu"].delta, kpis["CA par produit vendu"].moved) == ("+8,30 €", 1)  # 183,30 − 175
    assert comparison_note(replace(real_result, previous=previous)).startswith("Écarts depuis septembre 2026")
    assert comparison_note(real_result) is None
    same = MonthFigures("2026-09", 2.0, {"revenue_total": real_result.revenue_total, "products_sold": 385})
    kpis = {k.label: k for k in revenue_kpis(replace(real_result, previous=same))}
    assert (kpis["Chiffre d'affaires total"].delta, kpis["Chiffre d'affaires total"].moved) == ("0,00 €", 0)


def test_the_top_20_percent_share_counts_the_best_fifth_of_products():
    kpis = {k.label: k for k in revenue_kpis(type("R", (), {
        "products": products([50.0, 30.0, 10.0, 5.0, 5.0, 0.0, 0.0, 0.0, 0.0, 0.0]), "revenue_total": 100.0,
        "previous": None})())}
    assert kpis["Part du top 20 %"].value == "80,0 %"  # the best 2 of 10 products: 50 + 30


def test_pareto_curve_accumulates_best_sellers_first():
    curve = pareto_curve(products([10.0, 60.0, 30.0, 0.0]))
    assert curve["share_products"].tolist() == [0.25, 0.5, 0.75, 1.0]
    assert curve["share_revenue"].tolist() == pytest.approx([0.6, 0.9, 1.0, 1.0])


def test_revenue_bins_set_unsold_products_apart_on_a_1_2_5_scale():
    bins = revenue_bins(products([0.0, 0.0, 5.0, 15.0, 15.0, 600.0]))
    assert bins["bin"].tolist()[:4] == ["0 € (invendus)", "0 à 10 €", "10 à 20 €", "20 à 50 €"]
    assert bins["products"].tolist() == [2, 1, 2, 0, 0, 0, 0, 1] and bins["bin"].iloc[-1] == "500 à 1 000 €"
    assert bins["revenue"].sum() == 635.0


def test_zscore_bins_split_premium_from_ordinary_at_the_threshold(real_result):
    bins = zscore_bins(real_result.products, 2.0)
    assert bins["premium"].sum() == 30 and bins["ordinary"].sum() == 684


def test_threshold_stops_always_hold_the_configuration_and_the_chosen_thresholds():
    stops = threshold_stops(2.0, 1.55)
    assert 2.0 in stops and 1.55 in stops and stops[0] == 0.5 and stops[-1] == 4.0


def test_search_filter_and_sort_products(real_result):
    table = products_of(real_result)
    assert len(search_products(table, "champagne")) == 27
    cremants = table["name"].str.contains("Crémant")
    assert cremants.sum() > 0 and all(len(search_products(table, typed)) == cremants.sum()
                                      for typed in ("cremant", "CRÉMANT", "Crémant"))
    unsold_premium = filter_products(table, ProductFilter(premium=True, sold=False))
    assert len(unsold_premium) and (unsold_premium["total_sales"].fillna(0) == 0).all() and unsold_premium["premium"].all()
    dear = filter_products(table, ProductFilter(price_min=50.0, sold=False, stock_status=frozenset({"outofstock"})))
    assert (dear["price"] >= 50).all() and set(dear["stock_status"]) == {"outofstock"}
    on_web = filter_products(table, ProductFilter(onsale_web=True))
    assert len(on_web) == (table["onsale_web"] == 1).sum()
    by_price = sort_products(table, "price")
    assert by_price["price"].is_monotonic_decreasing
    assert sort_products(table, "price_zscore", descending=False)["price_zscore"].is_monotonic_increasing
    assert top_products(table, 3)["revenue"].tolist() == sorted(table["revenue"], reverse=True)[:3]


def test_filters_never_mutate_and_an_unknown_sort_is_refused(real_result):
    table = products_of(real_result)
    before = table.copy()
    filter_products(table, ProductFilter(premium=False, text="x"))
    pd.testing.assert_frame_equal(table, before)
    with pytest.raises(ValueError):
        sort_products(table, "colour")


def test_the_banner_says_ignored_references_at_a_simulated_threshold(real_result):
    assert banner(real_result).text.startswith("Tous les contrôles bloquants sont réussis (7 / 7 contrôles de "
                                               "référence réussis).")
    simulated = banner(with_threshold(real_result, 1.5))
    assert simulated.ok and "6 / 6 contrôles de référence réussis, 1 ignoré (seuil simulé)" in simulated.text
    assert "«\u00a0Aucun prix négatif (ERP)\u00a0»" in banner(real_result).text  # never cut after « or before »


def test_the_step_summary_has_a_line_per_step(real_result):
    summary = step_summary(real_result)
    assert summary["Étape"].tolist()[0] == "Lecture des fichiers" and len(summary) == 9
    assert summary.iloc[0][["Entrée", "Sortie", "Écartées"]].tolist() == ["3 163", "3 163", "0"]  # 825 + 825 + 1 513
    assert summary.loc[summary["Étape"] == "Nettoyage ERP", "Contrôles"].item() == "2 avertissements"
    premium = summary[summary["Étape"] == "Vins premium"].iloc[0]  # a split: nothing leaves the analysis
    assert (premium["Sortie"], premium["Écartées"]) == ("30 premium + 684 ordinaires", "0")


def test_removed_rows_read_french_their_reason_first(real_result):
    merge = real_result.step("merge")
    shown = removed_table(merge.removed)
    assert shown.columns[0] == "Motif" and len(shown) == merge.rows_removed
    assert "Identifiant produit" in shown.columns and "product_id" not in shown.columns
    assert set(shown["En vente sur le web"].dropna()) <= {"oui", "non"}
    sold = merge.removed["onsale_web"] == 1
    assert (shown.loc[sold.to_numpy(), "En vente sur le web"] == "oui").all()
    assert list(merge.removed.columns)[0] != "motif"  # the step's own record is left as it was


def test_the_most_expensive_wine_is_written_out(real_result):
    dearest = real_result.products.sort_values("price").iloc[-1]["product_id"]
    page = wine(real_result, dearest)
    assert page.name == "Champagne Egly-Ouriet Grand Cru Millésimé 2008" and page.premium and page.merged
    assert page.lines[0] == "Chiffre d'affaires = prix × ventes = 225,00 € × 5 ventes = 1 125,00 €."
    assert page.lines[1].startswith("Z-score du prix = (prix − prix moyen) ÷ écart type = (225,00 € − 32,49 €) ÷ 27,79 €")
    assert "vin premium, 136,92 € au-dessus du prix seuil" in page.lines[2]
    assert [len(rows) for rows in page.sources.values()] == [1, 1, 2]  # its product and attachment rows
    assert sorted(page.sources["WEB"]["Ligne du fichier"]) == [1310, 1438]


def test_a_product_left_out_of_the_merge_says_why(real_result):
    left_out = real_result.step("merge").removed.iloc[0]
    page = wine(real_result, left_out["product_id"])
    assert not page.merged and page.premium is None and left_out["motif"] in page.lines[0]
    assert page.sources["ERP"]["Dans l'analyse"].tolist() == [f"non comptée : produit hors fusion ({left_out['motif']})"]


def test_a_wine_s_rows_say_which_one_the_analysis_counted_and_why_the_others_were_set_aside(real_result):
    # sku 7818: its product row says 96 sales, its attachment row 6; the figures count the product row.
    page = wine(real_result, "4334")
    web = page.sources["WEB"]
    assert web[["Dans l'analyse", "Ventes (unités)", "Type de ligne (WEB)"]].values.tolist() == [
        ["comptée", 96, "produit"],
        ["écartée : doublon de sku en conflit sur total_sales (la valeur la plus grande est gardée)", 6, "pièce jointe"]]
    counted = real_result.products.set_index("product_id").loc["4334"]
    assert web["Ligne du fichier"].iloc[0] == counted["web_row"] and page.lines[0].endswith("× 96 ventes = 4 704,00 €.")
    assert page.sources["ERP"]["Dans l'analyse"].tolist() == page.sources["LIAISON"]["Dans l'analyse"].tolist() == [
        "comptée"]
    agreeing = wine(real_result, "4352").sources["WEB"]["Dans l'analyse"].tolist()
    assert agreeing == ["comptée", "écartée : doublon de sku (ligne produit / pièce jointe)"]


@pytest.mark.parametrize("typed, price", [("150", 150.0), ("150,5", 150.5), ("150.50", 150.5), (" 1 500 € ", 1500.0),
                                          ("1\u202f500,25", 1500.25), ("", None), (None, None)])
def test_a_price_is_read_as_a_french_user_types_it(typed, price):
    assert parse_price(typed) == price


@pytest.mark.parametrize("typed", ["cent", "1.500,50", "-5", "150,5,1", "1e3"])
def test_a_price_that_could_be_misread_is_refused_in_french(typed):
    with pytest.raises(InputError, match=f"« {re.escape(typed)} » n'est pas un prix"):
        parse_price(typed)


def test_a_wine_is_found_by_its_name_its_id_or_its_sku(real_result):
    choices = wine_choices(real_result)
    sku = real_result.products.set_index("product_id").loc["4352", "sku"]
    assert choices["4352"] == f"Champagne Egly-Ouriet Grand Cru Millésimé 2008 (id 4352 · sku {sku})"
    assert sum("sku 7818)" in label for label in choices.values()) == 1
    # Every product of the ERP can be looked up, those left out of the merge after the merged ones, with why.
    assert list(choices)[:714] == real_result.products["product_id"].tolist() and len(choices) == 825
    assert choices["4055"] == "Produit 4055 (id 4055 · hors fusion : id_web manquant dans la LIAISON)"
    left_out = wine(real_result, "4055")
    assert not left_out.merged and left_out.name == "Produit 4055" and len(left_out.sources["ERP"]) == 1
    assert left_out.lines == ("Ce produit n'est pas dans la fusion : id_web manquant dans la LIAISON.",)


def test_the_panel_settings_make_the_filter_and_count_what_the_user_set():
    chosen, active, unreadable = filter_from({"sold": "non", "low": "50", "high": "cent", "stock": ["instock"]},
                                             " Champagne ")
    assert chosen == ProductFilter(sold=False, price_min=50.0, stock_status=frozenset({"instock"}), text="Champagne")
    assert active == 4 and len(unreadable) == 1 and "« cent » n'est pas un prix" in str(unreadable[0])
    chosen, active, unreadable = filter_from({"premium": "tous", "sold": "tous"}, "", fixed_premium=True)
    assert chosen == ProductFilter(premium=True) and active == 0 and not unreadable  # the premium list itself
    assert filter_from({"premium": "oui"})[:2] == (ProductFilter(premium=True), 1)


def test_a_minimum_price_above_the_maximum_is_said_and_not_applied():
    chosen, active, unreadable = filter_from({"low": "120", "high": "50"})
    assert chosen == ProductFilter() and active == 0
    assert [str(e) for e in unreadable] == ["Le prix minimum (120,00 €) dépasse le prix maximum (50,00 €) : ces deux "
                                            "filtres ne sont pas appliqués."]


def test_every_stock_status_chosen_is_no_filter_and_keeps_the_products_of_unknown_status():
    products = pd.DataFrame({"name": ["A", "B", "C"], "sku": ["1", "2", "3"], "product_id": ["1", "2", "3"],
                             "stock_status": ["instock", "outofstock", None]})
    chosen, active, _ = filter_from({"stock": ["outofstock", "instock"]}, statuses=["instock", "outofstock"])
    assert chosen == ProductFilter() and active == 0
    assert filter_products(products, chosen)["name"].tolist() == ["A", "B", "C"]
    chosen, active, _ = filter_from({"stock": ["instock"]}, statuses=["instock", "outofstock"])
    assert active == 1 and filter_products(products, chosen)["name"].tolist() == ["A"]


def test_a_comparison_of_two_months_says_its_change_with_one_sign_and_no_rise_for_none():
    from bottleneck_core.runs.compare import Comparison
    from bottleneck_core.views.figures import comparison_kpis

    none = pd.DataFrame()
    fell = comparison_kpis(Comparison("2026-11", "2026-12", 83397.95, 70568.60, none, none, none, none, none))[0]
    assert (fell.label, fell.value, fell.delta, fell.moved) == ("CA décembre 2026", "70 568,60 €",
                                                               "-12 829,35 € (-15,4 %)", -1)
    same = comparison_kpis(Comparison("2026-11", "2026-12", 70568.60, 70568.60, none, none, none, none, none))[0]
    assert (same.delta, same.moved) == ("0,00 €", 0)


def test_every_month_between_the_first_and_last_recorded_is_there_the_missing_ones_empty():
    from bottleneck_core.views.figures import every_month

    runs = pd.DataFrame({"period": ["2026-10", "2026-12", "2027-02"], "revenue_total": [1.0, 2.0, 3.0]})
    months = every_month(runs)
    assert months["period"].tolist() == ["2026-10", "2026-11", "2026-12", "2027-01", "2027-02"]
    assert months["revenue_total"].isna().tolist() == [False, True, False, True, False]
    assert every_month(runs.iloc[0:0]).empty


def test_stock_statuses_and_yes_no_read_french_and_a_shops_own_status_as_written():
    from bottleneck_core.outputs.extracts import french_csv
    from bottleneck_core.views.products import readable, stock_label

    rows = pd.DataFrame({"stock_status": ["instock", "outofstock", "precommande", None], "onsale_web": [1, 0, 1, 0],
                         "post_type": ["product", "attachment", "product", "product"]})
    shown = readable(rows)
    assert shown["Statut du stock"].tolist()[:3] == ["en stock", "en rupture", "precommande"]
    assert shown["Statut du stock"].isna().tolist() == [False, False, False, True]
    assert shown["En vente sur le web"].tolist() == ["oui", "non", "oui", "non"]
    assert shown["Type de ligne (WEB)"].tolist()[:2] == ["produit", "pièce jointe"]
    csv = french_csv(rows).decode("utf-8-sig").splitlines()
    assert csv[1] == '"en stock";"oui";"produit"' and stock_label("onbackorder") == "sur commande"


def test_a_coverage_check_reads_as_a_minimum_to_reach(real_result):
    from bottleneck_core.views.lineage import check_line

    line = check_line(next(c for c in real_result.checks if c.id == "erp_coverage"))
    assert (line["expected"], line["actual"]) == ("≥ 80,0 %", "86,5 %")
    revenue = check_line(next(c for c in real_result.checks if c.id == "revenue_total"))
    assert revenue["expected"] == "70 568,60 €"  # a figure to hit, as is
