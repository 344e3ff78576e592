"""The checks of a run: the reference figures of the configuration, then the rules that hold for any month."""
from __future__ import annotations

import pandas as pd

from ..config import DEFAULT_COVERAGE, Config, Levels
from ..formatting import euros, integer, number, percent, plural
from ..steps.cleaning import CONFLICTING_DUPLICATE, WEB_CONFLICT, conflicting_rows
from ..steps.lineage import StepResult, rows_where
from .drift import month_checks
from .facts import RunFacts
from .rules import (CHECKS, ERROR, FAILED, NOT_COMPUTABLE, PASSED, SIMULATED, SKIPPED, STEP_BALANCE_TITLE, WARNING,
                    CheckResult, neither, result)

STEP_ORDER = ("read", "clean_erp", "clean_liaison", "clean_web", "dedup_web", "merge", "revenue", "premium", "month")


def reference_check(check_id: str, actual: float | None, config: Config, simulated: bool = False) -> CheckResult:
    """A figure compared with the config's reference: skipped when the config gives none."""
    spec = CHECKS[check_id]
    show = euros if spec.unit == "€" else integer
    expectation = config.expectations.get(check_id)
    expected = None if expectation is None else (
        expectation.expected if spec.unit == "€" else int(expectation.expected))
    if expectation is not None and simulated and check_id == "premium_count":
        return neither(check_id, SKIPPED, expected, actual, f"{spec.title} : {show(actual)}, {SIMULATED}.")
    if actual is None:
        return neither(check_id, NOT_COMPUTABLE, expected, None, f"{spec.title} : non calculable sur ces données.")
    if expectation is None:
        return neither(check_id, SKIPPED, None, actual,
                       f"{spec.title} : {show(actual)} (aucune valeur de référence dans la configuration).")
    ok = abs(actual - expectation.expected) <= expectation.tolerance + 1e-9
    tolerance = f" (tolérance {number(expectation.tolerance)})" if expectation.tolerance else ""
    message = (f"{spec.title} : {show(actual)}, conforme à la référence." if ok else
               f"{spec.title} : {show(actual)} obtenu, {show(expected)} attendu{tolerance}.")
    return result(check_id, ok, expected, actual, message)


def count_check(check_id: str, offending: pd.DataFrame, what: tuple[str, str],
                per: tuple[str, str, str] | None = None) -> CheckResult:
    """Passes when no row is at fault; otherwise says how many rows, `what` = (singular, plural) as French writes
    « 1 ligne » and « 2 lignes » (and, with `per` = (key column, singular, plural), for how many keys: both sides
    of a conflict are rows at fault) and shows them."""
    count = len(offending)
    keys = f", pour {plural(offending[per[0]].nunique(), per[1], per[2])}" if per and count else ""
    message = (f"{CHECKS[check_id].title} : aucune ligne concernée." if count == 0
               else f"{plural(count, *what)}{keys}. {CHECKS[check_id].meaning}")
    return result(check_id, count == 0, 0, count, message, offending)


def rows_accounted(step: StepResult) -> CheckResult:
    """Rows in equal rows out plus rows removed: nothing vanished in this step."""
    ok = step.rows_in == step.rows_out + step.rows_removed
    removed = "écartées" if step.id != "premium" else "ordinaires"
    message = (f"{step.title} : {integer(step.rows_in)} lignes en entrée = {integer(step.rows_out)} en sortie + "
               f"{integer(step.rows_removed)} {removed}." if ok else
               f"{step.title} : {integer(step.rows_in)} lignes en entrée, mais {integer(step.rows_out)} en sortie et "
               f"{integer(step.rows_removed)} {removed} : {integer(abs(step.rows_in - step.rows_out - step.rows_removed))}"
               " lignes ont disparu sans motif. C'est un défaut du programme : signalez-le.")
    return CheckResult(f"rows_accounted_{step.id}", STEP_BALANCE_TITLE, step.id, ERROR, PASSED if ok else FAILED,
                       step.rows_in, step.rows_out + step.rows_removed, message)


def coverage_check(check_id: str, reached: int, total: int, levels: Levels, what: str,
                   offending: pd.DataFrame) -> CheckResult:
    """A share of products that must reach the merge: blocking below one level, a warning below the other."""
    if total == 0:
        return neither(check_id, NOT_COMPUTABLE, levels.warning_below, None, f"{what} : aucun produit à compter.")
    share = reached / total
    ok = share >= levels.warning_below
    severity = WARNING if levels.error_below <= share < levels.warning_below else ERROR
    limit, level = (levels.error_below, "bloquant") if severity == ERROR else (levels.warning_below, "d'alerte")
    told = f"{what} : {integer(reached)} sur {integer(total)} ({percent(share)})"
    message = (f"{told}, au moins {percent(levels.warning_below)} attendus." if ok else
               f"{told}, sous le minimum {level} de {percent(limit)}. "
               f"{CHECKS[check_id].meaning}")
    return result(check_id, ok, levels.warning_below, share, message, offending, severity=severity)


def duplicated_keys(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Rows whose key is missing or shared with another row."""
    return rows_where(frame, frame[key].isna() | frame[key].duplicated(keep=False))


def join_checks(facts: RunFacts, config: Config) -> list[CheckResult]:
    """The join keeps products: never none, and a share of the ERP and of the WEB's sold products that any month
    should reach."""
    merge, dedup = facts.step("merge"), facts.step("dedup_web")
    sold = rows_where(dedup.output, dedup.output["total_sales"].fillna(0) > 0)
    sold_unmatched = rows_where(facts.unmatched_web, facts.unmatched_web["total_sales"].fillna(0) > 0)
    merged = merge.output
    empty = merged.empty
    return [
        result("merged_not_empty", not empty, None, merge.rows_out,
               "Aucun produit fusionné : " + CHECKS["merged_not_empty"].meaning if empty else
               f"{plural(merge.rows_out, 'produit fusionné', 'produits fusionnés')}.", merge.removed if empty else None),
        coverage_check("erp_coverage", merge.rows_out, merge.rows_in, config.coverage["erp_matched"],
                       "Produits ERP retrouvés dans la fusion", merge.removed),
        coverage_check("web_sales_coverage", len(sold) - len(sold_unmatched), len(sold),
                       config.coverage["web_sales_matched"], "Produits vendus du site reliés à l'ERP", sold_unmatched),
        count_check("no_null_keys", rows_where(merged, merged["product_id"].isna() | merged["sku"].isna()),
                    ("ligne fusionnée sans clé", "lignes fusionnées sans clé")),
        count_check("web_all_matched", facts.unmatched_web,
                    ("produit du site sans produit ERP", "produits du site sans produit ERP")),
    ]


def price_plausible(products: pd.DataFrame, bounds: tuple[float, float]) -> CheckResult:
    """The median price of the merged products lies where a wine merchant's does: a price column read in cents,
    in thousands or from another column fails here, even on a first month with nothing to compare with."""
    prices = products["price"].dropna()
    if prices.empty:
        return neither("price_plausible", NOT_COMPUTABLE, None, None, "Prix médian : aucun prix connu.")
    median = round(float(prices.median()), 2)
    low, high = bounds
    ok = low <= median <= high
    return result("price_plausible", ok, None, median,
                  f"Prix médian des {plural(len(prices), 'produit', 'produits')} au prix connu : {euros(median)}, "
                  + (f"dans la plage plausible {euros(low)} – {euros(high)}." if ok else
                     f"hors de la plage plausible {euros(low)} – {euros(high)}. {CHECKS['price_plausible'].meaning}"))


def revenue_checks(facts: RunFacts, config: Config) -> list[CheckResult]:
    products, total = facts.products, facts.figures["revenue_total"]
    detail = round(float(products["revenue"].sum(skipna=True)), 2)
    adds_up = abs(detail - total) < 0.005
    dedup = facts.step("dedup_web").output
    sold = rows_where(dedup, dedup["total_sales"].fillna(0) > 0)
    positive = total > 0  # a month of a wine merchant sells: 0 € is a wrong export, never a quiet month
    return [
        coverage_check("revenue_computable", int(products["revenue"].notna().sum()), len(products),
                       {**DEFAULT_COVERAGE, **config.coverage}["revenue_computable"],
                       "Produits fusionnés au CA calculable", rows_where(products, products["revenue"].isna())),
        price_plausible(products, config.median_price),
        result("revenue_adds_up", adds_up, total, detail,
               f"Somme des CA par produit {euros(detail)} {'=' if adds_up else '≠'} CA total {euros(total)}."),
        result("revenue_positive", positive, None, total,
               f"Chiffre d'affaires de {euros(total)} pour {plural(len(sold), 'produit vendu', 'produits vendus')} "
               "sur le site." + ("" if positive else " L'export WEB ne compte aucune vente (colonne total_sales vide "
                                 "ou à zéro) : ce n'est pas l'export d'un mois d'activité." if sold.empty else
                                 " Ces ventes ne rejoignent aucun prix."),
               None if positive or sold.empty else sold),
    ]


def premium_checks(facts: RunFacts) -> list[CheckResult]:
    premium = facts.step("premium")
    merged = facts.step("merge").rows_out
    split = premium.rows_out + premium.rows_removed
    below = rows_where(premium.output, ~premium.output["price_zscore"].gt(facts.threshold))
    above = rows_where(premium.removed, premium.removed["price_zscore"].gt(facts.threshold))
    found = [
        result("premium_split_complete", split == merged, merged, split,
               f"{integer(premium.rows_out)} premium + {integer(premium.rows_removed)} ordinaires "
               f"{'=' if split == merged else '≠'} {integer(merged)} produits fusionnés."),
        count_check("premium_above_threshold", pd.concat([below, above]) if len(below) or len(above) else below,
                    ("vin mal classé par rapport au seuil", "vins mal classés par rapport au seuil")),
    ]
    if facts.price_computable:
        found.append(count_check("zscore_computable", facts.products.iloc[0:0], ("", "")))
    else:
        found.append(neither("zscore_computable", NOT_COMPUTABLE, None, None,
                             "Z-score non calculable : les prix ne varient pas (ou un seul prix connu)."))
    return found


def web_no_sku_sales(step: StepResult) -> CheckResult:
    """WEB rows removed for having no sku although they sold: sales that can reach no product, said with their
    number (the join's coverage cannot see them, they are gone before it)."""
    sold = rows_where(step.removed, step.removed["total_sales"].fillna(0) > 0)
    sales = plural(int(sold["total_sales"].sum()), "vente")
    outside = f"({sales}, hors du chiffre d'affaires)"
    return count_check("web_no_sku_sales", sold, (f"ligne WEB sans sku a des ventes {outside}",
                                                  f"lignes WEB sans sku ont des ventes {outside}"))


def run_checks(facts: RunFacts, config: Config) -> tuple[CheckResult, ...]:
    """Every check of a run, in the order of the steps: the reference figures, then the invariants."""
    erp, liaison, web = facts.erp, facts.liaison, facts.web
    found = [reference_check(check_id, facts.figures[check_id], config, facts.simulated)
             for check_id in ("erp_rows", "liaison_rows", "web_clean_rows", "web_dedup_rows", "merged_rows",
                              "revenue_total", "premium_count")]
    found += [
        count_check("values_repaired", facts.repairs,
                    ("valeur réparée à la lecture", "valeurs réparées à la lecture")),
        count_check("file_adjusted", facts.adjustments,
                    ("ligne lue avec un ajustement", "lignes lues avec un ajustement")),
        count_check("erp_keys_unique", duplicated_keys(facts.step("clean_erp").output, "product_id"),
                    ("ligne ERP à la clé vide ou en double", "lignes ERP à la clé vide ou en double")),
        count_check("erp_no_conflicting_duplicates",
                    conflicting_rows(facts.step("clean_erp"), CONFLICTING_DUPLICATE, "product_id", erp),
                    ("ligne ERP en double avec des valeurs différentes",
                     "lignes ERP en double avec des valeurs différentes"), ("product_id", "produit", "produits")),
        count_check("erp_price_not_negative", rows_where(erp, erp["price"] < 0),
                    ("ligne ERP au prix négatif", "lignes ERP au prix négatif")),
        count_check("erp_stock_not_negative", rows_where(erp, erp["stock_quantity"] < 0),
                    ("ligne ERP au stock négatif", "lignes ERP au stock négatif")),
        count_check("liaison_keys_unique", duplicated_keys(facts.step("clean_liaison").output, "product_id"),
                    ("ligne LIAISON à la clé vide ou en double", "lignes LIAISON à la clé vide ou en double")),
        count_check("liaison_no_conflicting_duplicates",
                    conflicting_rows(facts.step("clean_liaison"), CONFLICTING_DUPLICATE, "product_id", liaison),
                    ("ligne LIAISON reliant un produit à plusieurs id_web",
                     "lignes LIAISON reliant un produit à plusieurs id_web"), ("product_id", "produit", "produits")),
        web_no_sku_sales(facts.step("clean_web")),
        count_check("web_keys_unique", duplicated_keys(facts.step("dedup_web").output, "sku"),
                    ("ligne WEB au sku vide ou en double", "lignes WEB au sku vide ou en double")),
        count_check("web_sales_conflicts", conflicting_rows(facts.step("dedup_web"), WEB_CONFLICT, "sku", web),
                    ("ligne WEB en conflit sur total_sales", "lignes WEB en conflit sur total_sales"),
                    ("sku", "sku", "sku")),
        *join_checks(facts, config), *revenue_checks(facts, config), *premium_checks(facts),
        *[rows_accounted(step) for step in facts.steps],
        *month_checks(facts, config),
    ]
    order = {step_id: i for i, step_id in enumerate(STEP_ORDER)}
    return tuple(sorted(found, key=lambda c: order.get(c.step, len(order))))
