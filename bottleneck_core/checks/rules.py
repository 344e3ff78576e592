"""Checks as data: each has an id, a step, a severity, what it verifies and what its failure means; a result says
its status, expected and actual values, a French message and the rows at fault."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..formatting import plural

ERROR, WARNING = "error", "warning"
PASSED, FAILED, SKIPPED, NOT_COMPUTABLE = "passed", "failed", "skipped", "not_computable"
SAMPLE_ROWS = 50
SIMULATED = "ignoré (seuil simulé) : cette référence vaut au seuil de la configuration"
NO_PREVIOUS_MONTH = "Aucun mois précédent dans l'historique : pas de comparaison d'un mois sur l'autre."


@dataclass(frozen=True)
class CheckSpec:
    """What a check verifies, on which step, how its values read (€, %, a count) and what its failure means."""

    title: str
    step: str
    severity: str
    meaning: str
    unit: str = ""


MONTH_FIGURES = {"erp_rows": "Lignes ERP après dédoublonnage", "liaison_rows": "Lignes LIAISON après dédoublonnage",
                 "web_clean_rows": "Lignes WEB avec un sku", "web_dedup_rows": "Produits distincts du site",
                 "merged_rows": "Produits fusionnés", "revenue_total": "Chiffre d'affaires total",
                 "premium_count": "Nombre de vins premium", "price_mean": "Prix moyen des produits fusionnés"}

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
                               "Le chiffre d'affaires total s'écarte de la référence au-delà de la tolérance.", "€"),
    "premium_count": CheckSpec("Nombre de vins premium", "premium", ERROR,
                               "Le nombre de vins premium diffère de la référence."),
    "values_repaired": CheckSpec("Valeurs réparées à la lecture", "read", WARNING,
                                 "Des cellules ont été corrigées (« 12,5 € » lu 12,5 ; « 15298.0 » lu 15298 ; une date "
                                 "lue comme son nombre) : vérifiez-les dans l'export d'origine."),
    "file_adjusted": CheckSpec("Fichiers lus sans ajustement", "read", WARNING,
                               "Un fichier texte a dû être ajusté pour être lu (octets illisibles remplacés par « � », "
                               "séparateur en fin de ligne retiré) : vérifiez ces lignes dans l'export d'origine."),
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
        "Un produit est relié à plusieurs id_web (ou à un id_web et à aucun) : la première ligne a été gardée, "
        "corrigez la liaison."),
    "web_no_sku_sales": CheckSpec(
        "Aucune vente sur une ligne WEB sans sku", "clean_web", WARNING,
        "Ces lignes du site ont des ventes mais pas de sku : elles ne rejoignent aucun produit et leurs ventes "
        "manquent au chiffre d'affaires. Renseignez leur sku dans WooCommerce."),
    "web_keys_unique": CheckSpec("sku unique et renseigné (WEB)", "dedup_web", ERROR,
                                 "Un même sku resterait plusieurs fois après dédoublonnage."),
    "web_sales_conflicts": CheckSpec(
        "Lignes produit et pièce jointe d'accord sur les ventes (WEB)", "dedup_web", WARNING,
        "Pour ces sku, les deux lignes du site donnent des ventes différentes : la plus grande est gardée."),
    "merged_not_empty": CheckSpec("La fusion garde des produits", "merge", ERROR,
                                  "Aucun produit ne se retrouve dans les trois exports : les clés ne se correspondent "
                                  "plus (format changé, mauvais fichier) et le chiffre d'affaires serait de 0 €."),
    "erp_coverage": CheckSpec("Part des produits ERP retrouvés dans la fusion", "merge", ERROR,
                              "Une part anormale des produits de l'ERP ne rejoint pas le site : des clés ne se "
                              "correspondent plus, ou la liaison est incomplète.", "%"),
    "web_sales_coverage": CheckSpec("Part des produits vendus du site reliés à l'ERP", "merge", ERROR,
                                    "Des produits vendus sur le site ne trouvent pas leur produit ERP : leurs ventes "
                                    "manquent au chiffre d'affaires.", "%"),
    "no_null_keys": CheckSpec("Aucune clé vide après fusion", "merge", ERROR,
                              "Une ligne fusionnée n'a pas de product_id ou de sku."),
    "web_all_matched": CheckSpec("Chaque produit du site est relié à l'ERP", "merge", WARNING,
                                 "Ces produits du site n'ont pas de produit ERP : ils n'entrent pas dans le CA."),
    "revenue_computable": CheckSpec("Part des produits au CA calculable (prix et ventes connus)", "revenue", ERROR,
                                    "Ces produits n'ont pas de prix ou de ventes : leur CA n'est pas compté.", "%"),
    "price_plausible": CheckSpec("Prix médian plausible pour un vin", "revenue", ERROR,
                                 "Les prix ne sont pas ceux de vins en euros : prix en centimes ou en milliers, ou une "
                                 "autre colonne lue comme prix. Vérifiez l'export ERP (ou la correspondance de "
                                 "colonnes).", "€"),
    "revenue_adds_up": CheckSpec("La somme des CA par produit égale le CA total", "revenue", ERROR,
                                 "Le détail par produit et le total ne concordent pas.", "€"),
    "revenue_positive": CheckSpec("Chiffre d'affaires du mois positif", "revenue", ERROR,
                                  "Le chiffre d'affaires du mois est nul : l'export WEB ne compte aucune vente "
                                  "(colonne total_sales vide ou à zéro), ou ses ventes ne rejoignent aucun prix.", "€"),
    "premium_split_complete": CheckSpec("Premium + ordinaires = produits fusionnés", "premium", ERROR,
                                        "Des vins manquent ou sont comptés deux fois dans la répartition."),
    "premium_above_threshold": CheckSpec("Chaque vin premium dépasse le seuil, aucun ordinaire", "premium", ERROR,
                                         "La répartition premium / ordinaire ne respecte pas le seuil."),
    "zscore_computable": CheckSpec("Z-score du prix calculable", "premium", WARNING,
                                   "Les prix ne varient pas (ou un seul prix) : aucun vin ne peut être dit premium."),
}
CHECKS.update({f"change_{figure}": CheckSpec(
    f"{title} : écart avec le mois précédent", "month", WARNING,
    "Ce chiffre a changé bien plus que d'habitude depuis le mois précédent : export incomplet, mauvais mois ou "
    "vrai changement à confirmer.", "€" if figure in ("revenue_total", "price_mean") else "")
    for figure, title in MONTH_FIGURES.items()})
CHECKS["not_previous_exports"] = CheckSpec(
    "Exports renouvelés depuis le mois précédent", "month", WARNING,
    "Les exports, ou tous les chiffres du mois, sont ceux du mois précédent enregistré : ce sont sans doute ses "
    "exports déposés de nouveau. Vérifiez les fichiers et le mois analysé.")
STEP_BALANCE_TITLE = "Lignes en entrée = sorties + écartées"


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome, with a sample of the rows at fault and how many there are."""

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
    unit: str = ""

    @property
    def passed(self) -> bool | None:
        """True or False; None when skipped or not computable."""
        return {PASSED: True, FAILED: False}.get(self.status)

    @property
    def blocking_failure(self) -> bool:
        return self.severity == ERROR and self.status == FAILED

    @property
    def warning(self) -> bool:
        return self.severity == WARNING and self.status == FAILED


def result(check_id: str, ok: bool, expected: object, actual: object, message: str,
           offending: pd.DataFrame | None = None, severity: str | None = None) -> CheckResult:
    """A check's outcome from its spec: passed or failed, with at most SAMPLE_ROWS of its rows at fault."""
    spec = CHECKS[check_id]
    offending = offending if offending is not None else pd.DataFrame()
    sample = offending.head(SAMPLE_ROWS).reset_index(drop=True) if len(offending) else offending
    return CheckResult(check_id, spec.title, spec.step, severity or spec.severity, PASSED if ok else FAILED,
                       expected, actual, message, sample, len(offending), spec.unit)


def neither(check_id: str, status: str, expected: object, actual: object, message: str) -> CheckResult:
    """A check that is neither passed nor failed: skipped, or its statistic not computable on these data."""
    spec = CHECKS[check_id]
    return CheckResult(check_id, spec.title, spec.step, spec.severity, status, expected, actual, message,
                       unit=spec.unit)


def blocking_failures(count: int) -> str:
    """« 1 contrôle bloquant en échec », « 2 contrôles bloquants en échec »."""
    return f"{plural(count, 'contrôle bloquant', 'contrôles bloquants')} en échec"


def verdict(checks: tuple[CheckResult, ...] | list[CheckResult], detail: str = "") -> str:
    """The one sentence that says whether the month can be trusted, the same in the CLI, the app and the messages
    (`detail`, such as the reference figures' count, goes in parentheses)."""
    failed = [c for c in checks if c.blocking_failure]
    warnings = [c for c in checks if c.warning]
    notes = f" {plural(len(warnings), 'avertissement')}." if warnings else " Aucun avertissement."
    head = ("Tous les contrôles bloquants sont réussis" if not failed else
            f"{blocking_failures(len(failed))} : {', '.join(c.title for c in failed)}")
    return f"{head}{f' ({detail})' if detail else ''}.{notes}"
