"""Checks as data: an id, a step, a severity, a rule's outcome, a French message and the rows at fault."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from .cleaning import CONFLICTING_DUPLICATE, WEB_CONFLICT, conflicting_rows
from .config import Config
from .formatting import euros, integer, number, plural
from .reading import REPAIR_COLUMNS
from .step import StepResult, rows_where

if TYPE_CHECKING:
    from .pipeline import PipelineResult

ERROR, WARNING = "error", "warning"
PASSED, FAILED, SKIPPED, NOT_COMPUTABLE = "passed", "failed", "skipped", "not_computable"
STATUS_LABELS = {PASSED: "réussi", FAILED: "échoué", SKIPPED: "ignoré", NOT_COMPUTABLE: "non calculable"}
SEVERITY_LABELS = {ERROR: "bloquant", WARNING: "avertissement"}
SAMPLE_ROWS = 50


@dataclass(frozen=True)
class CheckSpec:
    """What a check verifies, on which step, and what its failure means for the user."""

    title: str
    step: str
    severity: str
    meaning: str


CHECKS: dict[str, CheckSpec] = {
    "erp_rows": CheckSpec("Lignes ERP après dédoublonnage", "clean_erp", ERROR,
                          "Le nombre de produits de l'ERP diffère de la référence : export incomplet ou autre mois."),
    "liaison_rows": CheckSpec("Lignes LIAISON après dédoublonnage", "clean_liaison", ERROR,
                              "La table de liaison n'a pas le nombre de lignes de référence."),
    "web_clean_rows": CheckSpec("Lignes WEB avec un sku", "clean_web", ERROR,
                                "L'export WEB n'a pas le nombre attendu de lignes ayant un sku."),
    "web_dedup_rows": CheckSpec("Lignes WEB après dédoublonnage sur le sku", "dedup_web", ERROR,
                                "Le nombre de produits distincts du site diffère de la référence."),
    "merged_rows": CheckSpec("Lignes après fusion ERP – LIAISON – WEB", "merge", ERROR,
                             "La fusion ne retrouve pas autant de produits que la référence."),
    "revenue_total": CheckSpec("Chiffre d'affaires total", "revenue", ERROR,
                               "Le chiffre d'affaires total s'écarte de la référence au-delà de la tolérance."),
    "premium_count": CheckSpec("Nombre de vins premium", "premium", ERROR,
                               "Le nombre de vins premium diffère de la référence."),
    "values_repaired": CheckSpec("Valeurs réparées à la lecture", "read", WARNING,
                                 "Des cellules ont été corrigées (« 12,5 € » lu 12,5 ; « 15298.0 » lu 15298) : "
                                 "vérifiez-les dans l'export d'origine."),
    "erp_keys_unique": CheckSpec("product_id unique et renseigné (ERP)", "clean_erp", ERROR,
                                 "Un même produit resterait plusieurs fois après nettoyage."),
    "erp_no_conflicting_duplicates": CheckSpec(
        "Pas de product_id en double avec des valeurs différentes (ERP)", "clean_erp", ERROR,
        "Un produit figure deux fois dans l'ERP avec des prix ou stocks différents : la première ligne a été "
        "gardée, corrigez l'ERP."),
    "erp_price_not_negative": CheckSpec("Aucun prix négatif (ERP)", "clean_erp", WARNING,
                                        "Des prix sont négatifs dans l'ERP : ils sont gardés, à corriger à la source."),
    "erp_stock_not_negative": CheckSpec("Aucun stock négatif (ERP)", "clean_erp", WARNING,
                                        "Des stocks sont négatifs dans l'ERP : ils sont gardés, à corriger à la source."),
    "liaison_keys_unique": CheckSpec("product_id unique et renseigné (LIAISON)", "clean_liaison", ERROR,
                                     "Un même produit resterait plusieurs fois dans la liaison."),
    "liaison_no_conflicting_duplicates": CheckSpec(
        "Pas de product_id relié à deux id_web (LIAISON)", "clean_liaison", ERROR,
        "Un produit est relié à plusieurs id_web : la première ligne a été gardée, corrigez la liaison."),
    "web_keys_unique": CheckSpec("sku unique et renseigné (WEB)", "dedup_web", ERROR,
                                 "Un même sku resterait plusieurs fois après dédoublonnage."),
    "web_sales_conflicts": CheckSpec(
        "Lignes product et attachment d'accord sur total_sales (WEB)", "dedup_web", WARNING,
        "Pour ces sku, les deux lignes du site donnent des ventes différentes : la plus grande est gardée."),
    "no_null_keys": CheckSpec("Aucune clé vide après fusion", "merge", ERROR,
                              "Une ligne fusionnée n'a pas de product_id ou de sku."),
    "web_all_matched": CheckSpec("Chaque produit du site est relié à l'ERP", "merge", WARNING,
                                 "Ces produits du site n'ont pas de produit ERP : ils n'entrent pas dans le CA."),
    "revenue_computable": CheckSpec("Prix et ventes connus pour chaque produit", "revenue", WARNING,
                                    "Ces produits n'ont pas de prix ou de ventes : leur CA n'est pas compté."),
    "revenue_adds_up": CheckSpec("La somme des CA par produit égale le CA total", "revenue", ERROR,
                                 "Le détail par produit et le total ne concordent pas."),
    "premium_split_complete": CheckSpec("Premium + ordinaires = produits fusionnés", "premium", ERROR,
                                        "Des vins manquent ou sont comptés deux fois dans la répartition."),
    "premium_above_threshold": CheckSpec("Chaque vin premium dépasse le seuil, aucun ordinaire", "premium", ERROR,
                                         "La répartition premium / ordinaire ne respecte pas le seuil."),
    "zscore_computable": CheckSpec("Z-score du prix calculable", "premium", WARNING,
                                   "Les prix ne varient pas (ou un seul prix) : aucun vin ne peut être dit premium."),
}

def blocking_failures(count: int) -> str:
    """« 1 contrôle bloquant en échec », « 2 contrôles bloquants en échec »: said the same everywhere."""
    return f"{plural(count, 'contrôle bloquant', 'contrôles bloquants')} en échec"


STEP_BALANCE_TITLE = "Lignes en entrée = sorties + écartées"


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome, with a sample of the rows at fault."""

    id: str
    title: str
    step: str
    severity: str
    status: str
    expected: object
    actual: object
    message: str
    offending: pd.DataFrame = field(default_factory=pd.DataFrame)
    offending_count: int = 0

    @property
    def passed(self) -> bool | None:
        """True or False; None when skipped or not computable."""
        return {PASSED: True, FAILED: False}.get(self.status)

    @property
    def blocking_failure(self) -> bool:
        return self.severity == ERROR and self.status == FAILED


def _result(check_id: str, ok: bool, expected: object, actual: object, message: str,
            offending: pd.DataFrame | None = None, *, title: str | None = None,
            step: str | None = None) -> CheckResult:
    spec = CHECKS.get(check_id)
    offending = offending if offending is not None else pd.DataFrame()
    sample = offending.head(SAMPLE_ROWS).reset_index(drop=True) if len(offending) else offending
    return CheckResult(
        id=check_id, title=title or spec.title, step=step or spec.step,
        severity=spec.severity if spec else ERROR, status=PASSED if ok else FAILED,
        expected=expected, actual=actual, message=message, offending=sample, offending_count=len(offending))


def _special(check_id: str, status: str, expected: object, actual: object, message: str) -> CheckResult:
    spec = CHECKS[check_id]
    return CheckResult(check_id, spec.title, spec.step, spec.severity, status, expected, actual, message)


def not_computable(check_id: str, message: str) -> CheckResult:
    """A check whose statistic cannot be computed on these data: neither passed nor failed."""
    return _special(check_id, NOT_COMPUTABLE, None, None, message)


def reference_check(check_id: str, actual: float | None, config: Config) -> CheckResult:
    """A figure compared with the config's reference: skipped when the config gives none."""
    spec = CHECKS[check_id]
    show = euros if check_id == "revenue_total" else integer
    expectation = config.expectations.get(check_id)
    if actual is None:
        return _special(check_id, NOT_COMPUTABLE, expectation.expected if expectation else None, None,
                        f"{spec.title} : non calculable sur ces données.")
    if expectation is None:
        return _special(check_id, SKIPPED, None, actual,
                        f"{spec.title} : {show(actual)} (aucune valeur de référence dans la configuration).")
    ok = abs(actual - expectation.expected) <= expectation.tolerance + 1e-9
    expected = expectation.expected if check_id == "revenue_total" else int(expectation.expected)
    if ok:
        message = f"{spec.title} : {show(actual)}, conforme à la référence."
    else:
        tolerance = f" (tolérance {number(expectation.tolerance)})" if expectation.tolerance else ""
        message = f"{spec.title} : {show(actual)} obtenu, {show(expected)} attendu{tolerance}."
    return _result(check_id, ok, expected, actual, message)


def count_check(check_id: str, offending: pd.DataFrame, what: str) -> CheckResult:
    """Passes when no row is at fault; otherwise says how many rows and shows them."""
    count = len(offending)
    message = (f"{CHECKS[check_id].title} : aucune ligne concernée." if count == 0
               else f"{integer(count)} {what}. {CHECKS[check_id].meaning}")
    return _result(check_id, count == 0, 0, count, message, offending)


def rows_accounted(step: StepResult) -> CheckResult:
    """Rows in equal rows out plus rows removed: nothing vanished in this step."""
    ok = step.rows_in == step.rows_out + step.rows_removed
    message = (f"{step.title} : {integer(step.rows_in)} en entrée = {integer(step.rows_out)} en sortie + "
               f"{integer(step.rows_removed)} écartées." if ok else
               f"{step.title} : {integer(step.rows_in)} en entrée mais {integer(step.rows_out)} en sortie et "
               f"{integer(step.rows_removed)} écartées : des lignes ont disparu.")
    return CheckResult(f"rows_accounted_{step.id}", STEP_BALANCE_TITLE, step.id, ERROR,
                       PASSED if ok else FAILED, step.rows_in, step.rows_out + step.rows_removed, message)


def duplicated_keys(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Rows whose key is missing or shared with another row."""
    keys = frame[key]
    return rows_where(frame, keys.isna() | keys.duplicated(keep=False))


def revenue_adds_up(products: pd.DataFrame, total: float) -> CheckResult:
    """The per-product revenues sum to the total, to the cent."""
    detail = round(float(products["revenue"].sum(skipna=True)), 2)
    ok = abs(detail - total) < 0.005
    message = (f"Somme des CA par produit {euros(detail)} = CA total {euros(total)}." if ok else
               f"Somme des CA par produit {euros(detail)} ≠ CA total {euros(total)}.")
    return _result("revenue_adds_up", ok, total, detail, message)


def premium_split_complete(merged_rows: int, premium: StepResult) -> CheckResult:
    """Premium and ordinary wines together are exactly the merged products."""
    split = premium.rows_out + premium.rows_removed
    ok = split == merged_rows
    message = (f"{integer(premium.rows_out)} premium + {integer(premium.rows_removed)} ordinaires = "
               f"{integer(merged_rows)} produits fusionnés." if ok else
               f"{integer(premium.rows_out)} premium + {integer(premium.rows_removed)} ordinaires ≠ "
               f"{integer(merged_rows)} produits fusionnés.")
    return _result("premium_split_complete", ok, merged_rows, split, message)


def premium_above_threshold(premium: StepResult, threshold: float) -> CheckResult:
    """Every premium wine's z-score is above the threshold and no ordinary wine's is."""
    below = rows_where(premium.output, ~premium.output["price_zscore"].gt(threshold))
    above = rows_where(premium.removed, premium.removed["price_zscore"].gt(threshold))
    wrong = pd.concat([below, above]) if len(below) or len(above) else below
    return count_check("premium_above_threshold", wrong, "vins mal classés par rapport au seuil")


STEP_ORDER = ("read", "clean_erp", "clean_liaison", "clean_web", "dedup_web", "merge", "revenue", "premium")


def run_checks(result: "PipelineResult") -> list[CheckResult]:
    """Every check of a run: the reference figures, then the invariants that hold for any month."""
    config, step = result.config, result.step
    erp, liaison, web = (result.sources[k].frame for k in ("erp", "liaison", "web"))
    premium = step("premium")
    computable = result.price_stats.computable
    figures = {
        "erp_rows": step("clean_erp").rows_out, "liaison_rows": step("clean_liaison").rows_out,
        "web_clean_rows": step("clean_web").rows_out, "web_dedup_rows": step("dedup_web").rows_out,
        "merged_rows": step("merge").rows_out, "revenue_total": result.revenue_total,
        "premium_count": premium.rows_out if computable else None,
    }
    found = [reference_check(check_id, figures[check_id], config) for check_id in figures]

    repaired = [t.repairs.assign(fichier=t.name) for t in result.sources.values() if len(t.repairs)]
    repairs = pd.concat(repaired, ignore_index=True) if repaired else pd.DataFrame(columns=REPAIR_COLUMNS + ["fichier"])
    merged = step("merge").output
    products = result.products
    found += [
        count_check("values_repaired", repairs, "valeurs réparées à la lecture"),
        count_check("erp_keys_unique", duplicated_keys(step("clean_erp").output, "product_id"),
                       "lignes ERP à la clé vide ou en double"),
        count_check("erp_no_conflicting_duplicates",
                       conflicting_rows(step("clean_erp"), CONFLICTING_DUPLICATE, "product_id", erp),
                       "lignes ERP en double avec des valeurs différentes"),
        count_check("erp_price_not_negative", rows_where(erp, erp["price"] < 0), "lignes ERP au prix négatif"),
        count_check("erp_stock_not_negative", rows_where(erp, erp["stock_quantity"] < 0),
                       "lignes ERP au stock négatif"),
        count_check("liaison_keys_unique", duplicated_keys(step("clean_liaison").output, "product_id"),
                       "lignes LIAISON à la clé vide ou en double"),
        count_check("liaison_no_conflicting_duplicates",
                       conflicting_rows(step("clean_liaison"), CONFLICTING_DUPLICATE, "product_id", liaison),
                       "lignes LIAISON reliant un produit à plusieurs id_web"),
        count_check("web_keys_unique", duplicated_keys(step("dedup_web").output, "sku"),
                       "lignes WEB au sku vide ou en double"),
        count_check("web_sales_conflicts", conflicting_rows(step("dedup_web"), WEB_CONFLICT, "sku", web),
                       "lignes WEB en conflit sur total_sales"),
        count_check("no_null_keys", rows_where(merged, merged["product_id"].isna() | merged["sku"].isna()),
                       "lignes fusionnées sans clé"),
        count_check("web_all_matched", result.unmatched_web, "produits du site sans produit ERP"),
        count_check("revenue_computable", rows_where(products, products["revenue"].isna()),
                       "produits sans prix ou sans ventes"),
        revenue_adds_up(products, result.revenue_total),
        premium_split_complete(len(merged), premium),
        premium_above_threshold(premium, result.threshold),
    ]
    if computable:
        found.append(count_check("zscore_computable", products.iloc[0:0], ""))
    else:
        found.append(not_computable("zscore_computable",
                                       "Z-score non calculable : les prix ne varient pas (ou un seul prix connu)."))
    found += [rows_accounted(s) for s in result.steps]
    order = {step_id: i for i, step_id in enumerate(STEP_ORDER)}
    return sorted(found, key=lambda c: order.get(c.step, len(order)))
