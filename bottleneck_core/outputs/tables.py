"""What the deliverables say, as plain tables and records: the summary, the checks, the key figures, the product
lists with their French headers. Every file is written from these, so the files can never disagree."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..checks import ERROR, PASSED, WARNING, CheckResult
from ..checks.drift import relative_change
from ..formatting import month_label
from ..labels import SEVERITY_LABELS, STEP_TITLES, status_label
from ..pipeline import PipelineResult
from ..views.lineage import banner

PRODUCT_COLUMNS = ["product_id", "sku", "name", "price", "total_sales", "revenue"]  # revenue per product
WINE_COLUMNS = ["product_id", "sku", "name", "price", "revenue", "price_zscore"]  # premium and ordinary wines


def plain(value: object) -> object:
    """A value as JSON holds it: no NaN, no numpy scalar."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-safe dicts (most checks have none: pandas is not asked)."""
    if frame.empty:
        return []
    return [{str(k): plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def summary(result: PipelineResult) -> dict:
    """The figures of synthese.json: what was analysed (files, threshold, simulation or not), the rows at each
    step, the month's figures and the verdict."""
    count = {step.id: step.rows_out for step in result.steps}
    raw = {kind: table.raw_rows for kind, table in result.sources.items()}
    premium = result.step("premium")
    return {
        "period": result.period, "threshold": result.threshold,
        "rows": {"erp_raw": raw["erp"], "erp_clean": count["clean_erp"], "liaison_raw": raw["liaison"],
                 "liaison_clean": count["clean_liaison"], "web_raw": raw["web"], "web_clean": count["clean_web"],
                 "web_dedup": count["dedup_web"], "merged": count["merge"]},
        "revenue_total": result.revenue_total, "products_sold": int((result.products["revenue"].fillna(0) > 0).sum()),
        "premium_count": premium.rows_out,
        "ordinary_count": premium.rows_removed, "checks_passed": result.checks_passed,
        "blocking_failures": sum(c.blocking_failure for c in result.checks),
        "warnings": sum(c.warning for c in result.checks),
        "price_mean": plain(result.price_stats.mean), "price_std": plain(result.price_stats.std),
        "threshold_price": plain(result.threshold_price),
        "threshold_of_record": result.config.threshold, "simulated": result.simulated, "sample": result.sample,
        "config": result.config.source,
        "previous_period": result.previous.period if result.previous else None,
        "sources": {kind: {"name": t.name, "sha256": t.sha256, "size": t.size, "rows": t.raw_rows,
                           "sheet": t.sheet, "mapped_columns": dict(t.mapped)} for kind, t in result.sources.items()},
    }


def check_records(result: PipelineResult) -> list[dict]:
    """Every check as written to controles.json."""
    return [{"id": c.id, "title": c.title, "step": c.step, "step_title": STEP_TITLES.get(c.step, c.step),
             "severity": c.severity, "status": c.status, "passed": c.passed, "expected": plain(c.expected),
             "actual": plain(c.actual), "unit": c.unit, "message": c.message, "offending_count": c.offending_count,
             "offending_rows": records(c.offending)} for c in result.checks]


def check_rows(checks: tuple[CheckResult, ...]) -> pd.DataFrame:
    """The checks as users read them: step, title and status first, the identifier last."""
    return pd.DataFrame({
        "Étape": [STEP_TITLES.get(c.step, c.step) for c in checks], "Contrôle": [c.title for c in checks],
        "Gravité": [SEVERITY_LABELS[c.severity] for c in checks], "Statut": [status_label(c.status, c.severity) for c in checks],
        "Attendu": [plain(c.expected) for c in checks], "Obtenu": [plain(c.actual) for c in checks],
        "Unité": [c.unit for c in checks], "Lignes en cause": [c.offending_count for c in checks],
        "Message": [c.message for c in checks], "Identifiant": [c.id for c in checks]})


def key_figures(result: PipelineResult) -> list[tuple[str, object, str, object]]:
    """The Synthèse: (label, this month's value, unit, the previous month's value or None)."""
    before = result.previous.figures if result.previous else {}
    # Counts cut at a threshold compare only with a month cut at the same one.
    same_threshold = before if result.previous and result.previous.threshold == result.threshold else {}
    stats, figures = result.price_stats, result.figures
    checks = result.checks
    blocking = [c for c in checks if c.severity == ERROR and c.status in (PASSED, "failed")]
    sold = int((result.products["revenue"].fillna(0) > 0).sum())
    return [
        ("Mois analysé", month_label(result.period), "", month_label(result.previous.period) if result.previous else None),
        ("Chiffre d'affaires total (€)", result.revenue_total, "€", before.get("revenue_total")),
        ("Produits fusionnés", figures["merged_rows"], "int", before.get("merged_rows")),
        ("Produits vendus (CA > 0)", sold, "int", before.get("products_sold")),
        ("Vins premium", result.step("premium").rows_out, "int", same_threshold.get("premium_count")),
        ("Vins ordinaires", result.step("premium").rows_removed, "int", same_threshold.get("ordinary_count")),
        ("Seuil de z-score", result.threshold, "dec", result.previous.threshold if result.previous else None),
        ("Seuil de la configuration", result.config.threshold, "dec", before.get("threshold_of_record")),
        ("Prix correspondant au seuil (€)", result.threshold_price, "€", same_threshold.get("threshold_price")),
        ("Prix moyen (€)", stats.mean, "€", before.get("price_mean")),
        ("Écart type des prix (€)", stats.std, "€", before.get("price_std")),
        ("Contrôles bloquants réussis", f"{sum(c.status == PASSED for c in blocking)} / {len(blocking)}", "", None),
        ("Avertissements", sum(c.severity == WARNING and c.status == "failed" for c in checks), "int",
         before.get("warnings")),
        ("Tous les contrôles bloquants réussis", "oui" if result.checks_passed else "non", "",
         None if before.get("checks_passed") is None else "oui" if before["checks_passed"] else "non"),
        ("Verdict, comme à l'écran", banner(result).text, "", None),  # its 7 / 7 are the reference figures
        *[(f"Fichier {t.label}", t.name, "", None) for t in result.sources.values()],
        *[(f"Lignes {label}", figures[key], "int", before.get(key)) for key, label in (
            ("erp_rows", "ERP nettoyées"), ("liaison_rows", "LIAISON nettoyées"), ("web_clean_rows", "WEB avec sku"),
            ("web_dedup_rows", "WEB dédoublonnées"))],
    ]


def change(now: object, before: object) -> float | None:
    """The relative change shown beside a figure of the previous month."""
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (now, before)):
        return None
    moved = relative_change(float(before), float(now))
    return moved if math.isfinite(moved) else None
