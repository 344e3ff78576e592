"""The history of months: every analysis of record kept (a rerun supersedes, nothing is deleted), in a DuckDB file
or a PostgreSQL database shared by a team; each write one short transaction, retried while another writer wins."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from ..checks import MonthFigures, blocking_failures
from ..errors import InputError
from ..formatting import month_label, number, of_month
from ..pipeline import PipelineResult
from .compare import Comparison, compare_products
from .schema import (SCHEMA_VERSION, ALL_RUNS, CURRENT_OF_PERIOD, CURRENT_RUNS, INSERT_RUN, PREVIOUS_RUN, PRODUCT_OVER_MONTHS,
                     PRODUCTS_OF_PERIOD, ROWS_OF_RUN, RUN_EXISTS, SUPERSEDE, TABLE_COLUMNS)
from .stores import HistoryError, Store, open_store

DEFAULT_HISTORY = Path(__file__).resolve().parents[2] / "data" / "history.duckdb"
LOCAL_TIME = "Europe/Paris"  # the team's time: a run's time is stored in UTC and shown in it
RUN_COLUMNS = ["run_id", "period", "run_at", "revenue_total", "premium_count", "ordinary_count", "merged_rows",
               "checks_passed", "checks_failed", "threshold", "superseded"]
__all__ = ["HistoryError", "StoredRun", "compare_periods", "copy_history", "current_runs", "history_store",
           "period_products", "previous_month", "product_over_months", "record_run"]


def history_store(location: str | os.PathLike | None = None) -> Store:
    """The history: the location given, else BOTTLENECK_HISTORY, else data/history.duckdb."""
    return open_store(location or os.environ.get("BOTTLENECK_HISTORY") or DEFAULT_HISTORY)


@dataclass(frozen=True)
class StoredRun:
    """What storing a run did."""

    run_id: int
    period: str
    identical: bool
    replaced: bool
    blocking_failures: int = 0

    def message(self) -> str:
        if self.identical:
            return (f"Ces fichiers ont déjà été analysés à l'identique pour {month_label(self.period)} : l'historique "
                    "est inchangé.")
        said = (f"Analyse {of_month(self.period)} enregistrée ; la précédente est gardée comme remplacée."
                if self.replaced else f"Analyse {of_month(self.period)} enregistrée dans l'historique.")
        if self.blocking_failures:  # a failed month becomes the next one's comparison: never said as a plain success
            said += (f" Elle compte {blocking_failures(self.blocking_failures)} et sert pourtant de mois de "
                     "comparaison au mois suivant : relancez ce mois avec des exports corrigés pour la remplacer.")
        return said


def fingerprint(result: PipelineResult) -> str:
    """What makes two runs the same: the period, the sources' content, the threshold and the configuration."""
    parts = [result.period, repr(result.threshold), json.dumps(result.config.to_dict(), sort_keys=True)]
    parts += [f"{kind}:{table.sha256}" for kind, table in sorted(result.sources.items())]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def record_run(result: PipelineResult, location: str | os.PathLike | None = None,
               run_at: datetime | None = None) -> StoredRun:
    """Store an analysis of record as its period's current one (the previous stays, superseded); an identical rerun
    is noticed. A simulation at another threshold, or the sample, is never a month of the history."""
    from ..outputs.tables import summary

    if result.sample:
        raise HistoryError("Les données d'exemple ne sont pas un mois réel : elles ne sont jamais enregistrées.")
    if result.simulated:
        raise HistoryError(f"Cette analyse est une simulation (seuil de z-score {number(result.threshold)} au lieu "
                           f"de {number(result.config.threshold)}) : seule l'analyse au seuil de la configuration "
                           "est enregistrée dans l'historique.")
    run_at = run_at or datetime.now(timezone.utc).replace(tzinfo=None)  # stored in UTC, whatever the machine's zone
    key, facts = fingerprint(result), summary(result)
    products = result.products.assign(premium=result.products["product_id"].isin(result.premium["product_id"]))
    tables = {
        "run_products": products[list(TABLE_COLUMNS["run_products"])],
        "run_checks": pd.DataFrame([(c.id, c.step, c.severity, c.status, None if c.expected is None else str(c.expected),
                                     None if c.actual is None else str(c.actual), c.message) for c in result.checks],
                                   columns=TABLE_COLUMNS["run_checks"]),
        "run_sources": pd.DataFrame([(k, t.name, t.size, t.sha256) for k, t in result.sources.items()],
                                    columns=TABLE_COLUMNS["run_sources"]),
    }
    row = {"period": result.period, "run_at": run_at, "threshold": result.threshold,
           "revenue_total": result.revenue_total, "premium_count": facts["premium_count"],
           "ordinary_count": facts["ordinary_count"], "merged_rows": facts["rows"]["merged"],
           "checks_passed": result.checks_passed, "checks_failed": facts["blocking_failures"],
           "summary_json": json.dumps(facts), "config_json": json.dumps(result.config.to_dict()), "fingerprint": key,
           "superseded_at": None, "current_period": result.period}

    def write(tx) -> StoredRun:
        current = tx.rows(CURRENT_OF_PERIOD, {"period": result.period})
        if current and current[0][1] == key:
            return StoredRun(int(current[0][0]), result.period, identical=True, replaced=False)
        tx.rows(SUPERSEDE, {"at": run_at, "period": result.period})
        run_id = int(tx.rows(INSERT_RUN, row)[0][0])
        for table, frame in tables.items():
            tx.insert(table, run_id, frame)
        return StoredRun(run_id, result.period, identical=False, replaced=bool(current),
                         blocking_failures=facts["blocking_failures"])

    return history_store(location).run(write)


def _read(location, work, empty):
    """A reading unit of work; a history of an earlier schema version is migrated first, an absent one is empty."""
    store = history_store(location)
    if not store.exists():
        return empty
    def current(tx):  # one transaction when the store is up to date, as it is but once per new version
        version = tx.version()
        return version, work(tx) if version >= SCHEMA_VERSION else None

    version, found = store.run(current, write=False)
    if version == 0:
        return empty
    if version < SCHEMA_VERSION:
        store.run(lambda tx: None)
        return store.run(work, write=False)
    return found


def current_runs(location: str | os.PathLike | None = None) -> pd.DataFrame:
    """The current run of each period, oldest period first, each run's time in Paris time."""
    runs = _read(location, lambda tx: tx.frame(CURRENT_RUNS), pd.DataFrame(columns=RUN_COLUMNS))
    return runs.assign(run_at=pd.to_datetime(runs["run_at"]).dt.tz_localize("UTC").dt.tz_convert(LOCAL_TIME))


def period_products(period: str, location: str | os.PathLike | None = None) -> pd.DataFrame:
    """The products of a period's current run."""
    products = _read(location, lambda tx: tx.frame(PRODUCTS_OF_PERIOD, {"period": period}), pd.DataFrame())
    if products.empty:
        raise InputError(f"aucune analyse enregistrée pour {period} dans l'historique.")
    return products


def previous_month(period: str, location: str | os.PathLike | None = None) -> MonthFigures | None:
    """The figures of the latest recorded month before this one, for the month-over-month checks."""
    found = _read(location, lambda tx: tx.rows(PREVIOUS_RUN, {"period": period}), [])
    if not found:
        return None
    before, threshold, stored = found[0]
    facts = json.loads(stored) if stored else {}
    rows = facts.get("rows", {})
    figures = {"erp_rows": rows.get("erp_clean"), "liaison_rows": rows.get("liaison_clean"),
               "web_clean_rows": rows.get("web_clean"), "web_dedup_rows": rows.get("web_dedup"),
               "merged_rows": rows.get("merged"), "revenue_total": facts.get("revenue_total"),
               "premium_count": facts.get("premium_count"), "price_mean": facts.get("price_mean"),
               "products_sold": facts.get("products_sold"),
               # Shown beside this month's in the report's Synthèse (the checks above compare the others).
               **{name: facts.get(name) for name in ("ordinary_count", "price_std", "threshold_price", "warnings",
                                                     "threshold_of_record", "checks_passed")}}
    sources = {kind: source.get("sha256", "") for kind, source in facts.get("sources", {}).items()}
    return MonthFigures(before, float(threshold), figures, sources)


def product_over_months(product_id: str, location: str | os.PathLike | None = None) -> pd.DataFrame:
    """One product's price, sales, revenue and premium status in every recorded month."""
    return _read(location, lambda tx: tx.frame(PRODUCT_OVER_MONTHS, {"product_id": product_id}),
                 pd.DataFrame())


def compare_periods(before: str, after: str, location: str | os.PathLike | None = None) -> Comparison:
    """Compare two recorded months (their current analyses), with the threshold each was cut at."""
    if before == after:
        raise InputError(f"les deux mois sont le même ({before}) : choisissez deux mois différents.")
    products = period_products(before, location), period_products(after, location)
    thresholds = current_runs(location).set_index("period")["threshold"]
    return compare_products(*products, before, after,
                            thresholds=(float(thresholds[before]), float(thresholds[after])))


def copy_history(source: str | os.PathLike | None, target: str | os.PathLike) -> dict[str, int]:
    """Every run of one history (current and superseded) into another, rows and all; a run already there is not
    copied twice. Returns how many runs and rows were copied and how many were already there."""
    store = history_store(source)
    if not store.exists():
        raise HistoryError(f"L'historique {store.label} n'existe pas : rien à copier. Vérifiez "
                           "l'option --db (ou la variable BOTTLENECK_HISTORY).")
    runs = _read(source, lambda tx: tx.frame(ALL_RUNS), pd.DataFrame())
    if runs.empty:
        return {"runs": 0, "already_there": 0, "rows": 0}
    children = store.run(lambda tx: {
        int(run_id): {table: tx.frame(sql, {"run_id": int(run_id)}) for table, sql in ROWS_OF_RUN.items()}
        for run_id in runs["run_id"]}, write=False)
    counts: dict[str, int] = {}

    def write(tx) -> None:
        counts.update(runs=0, already_there=0, rows=0)  # a retried transaction counts again from zero
        for run in runs.sort_values(["period", "run_at", "run_id"]).to_dict(orient="records"):
            key = {"period": run["period"], "run_at": run["run_at"], "fingerprint": run["fingerprint"]}
            if tx.rows(RUN_EXISTS, key):
                counts["already_there"] += 1
                continue
            record = {k: (None if pd.isna(v) else v) for k, v in run.items() if k != "run_id"}
            if record["current_period"] is not None:  # a later run of the target may already be current
                current = tx.rows("SELECT run_at FROM runs WHERE current_period = %(period)s", key)
                if current and current[0][0] > run["run_at"]:
                    record.update(current_period=None, superseded_at=current[0][0])
                else:
                    tx.rows(SUPERSEDE, {"at": run["run_at"], "period": run["period"]})
            new_id = int(tx.rows(INSERT_RUN, record)[0][0])
            for table, frame in children[int(run["run_id"])].items():
                tx.insert(table, new_id, frame)
                counts["rows"] += len(frame)
            counts["runs"] += 1
    history_store(target).run(write)
    return counts
