"""The history of months: one DuckDB file, each write one short transaction, retried while the file is locked."""
from __future__ import annotations

import hashlib
import json
import os
import random
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from .errors import InputError

if TYPE_CHECKING:
    from .pipeline import PipelineResult

DEFAULT_HISTORY = Path(__file__).resolve().parents[1] / "data" / "history.duckdb"
LOCK_TIMEOUT = float(os.environ.get("BOTTLENECK_HISTORY_TIMEOUT", "60"))

# Each migration takes the store from the previous version to its own; the first creates it.
MIGRATIONS: list[list[str]] = [
    [  # version 1: runs with their figures, sources, checks and products
        "CREATE TABLE schema_version (version INTEGER NOT NULL)",
        "INSERT INTO schema_version VALUES (0)",
        "CREATE SEQUENCE run_ids START 1",
        """CREATE TABLE runs (
             run_id BIGINT PRIMARY KEY DEFAULT nextval('run_ids'), period VARCHAR NOT NULL,
             run_at TIMESTAMP NOT NULL, threshold DOUBLE NOT NULL, revenue_total DOUBLE,
             premium_count INTEGER, ordinary_count INTEGER, merged_rows INTEGER, checks_passed BOOLEAN,
             summary_json VARCHAR, config_json VARCHAR)""",
        "CREATE TABLE run_sources (run_id BIGINT, kind VARCHAR, name VARCHAR, size BIGINT, sha256 VARCHAR)",
        """CREATE TABLE run_checks (run_id BIGINT, check_id VARCHAR, step VARCHAR, severity VARCHAR,
             status VARCHAR, expected VARCHAR, actual VARCHAR, message VARCHAR)""",
        """CREATE TABLE run_products (run_id BIGINT, product_id VARCHAR, sku VARCHAR, name VARCHAR,
             price DOUBLE, total_sales DOUBLE, revenue DOUBLE, price_zscore DOUBLE, premium BOOLEAN)""",
    ],
    [  # version 2: a rerun supersedes the period's current run instead of standing beside it
        "ALTER TABLE runs ADD COLUMN superseded_at TIMESTAMP",
        "ALTER TABLE runs ADD COLUMN fingerprint VARCHAR",
        "ALTER TABLE runs ADD COLUMN checks_failed INTEGER",
        """UPDATE runs SET superseded_at = later.run_at FROM (
             SELECT run_id, lead(run_at) OVER (PARTITION BY period ORDER BY run_at, run_id) AS run_at FROM runs
           ) AS later WHERE later.run_id = runs.run_id AND later.run_at IS NOT NULL""",
        """UPDATE runs SET checks_failed = (SELECT count(*) FROM run_checks c WHERE c.run_id = runs.run_id
             AND c.status = 'failed' AND c.severity = 'error')""",
    ],
]
SCHEMA_VERSION = len(MIGRATIONS)

CURRENT_RUNS_SQL = """
SELECT run_id, period, run_at, revenue_total, premium_count, ordinary_count, merged_rows, checks_passed,
       checks_failed, threshold,
       (SELECT count(*) FROM runs r2 WHERE r2.period = runs.period AND r2.superseded_at IS NOT NULL) AS superseded
FROM runs WHERE superseded_at IS NULL ORDER BY period
"""
CURRENT_RUN_OF_PERIOD_SQL = "SELECT run_id, fingerprint FROM runs WHERE period = $period AND superseded_at IS NULL"
PRODUCTS_OF_PERIOD_SQL = """
SELECT p.* EXCLUDE (run_id) FROM run_products p JOIN runs r USING (run_id)
WHERE r.period = $period AND r.superseded_at IS NULL ORDER BY p.revenue DESC NULLS LAST, p.product_id
"""


class HistoryError(Exception):
    """The history file cannot be used (locked too long, unreadable); the analysis itself is unaffected."""


@dataclass(frozen=True)
class StoredRun:
    """What storing a run did."""

    run_id: int
    period: str
    identical: bool
    replaced: bool

    def message(self) -> str:
        if self.identical:
            return (f"Ces fichiers ont déjà été analysés à l'identique pour {self.period} : l'historique est "
                    "inchangé.")
        if self.replaced:
            return f"Analyse de {self.period} enregistrée ; la précédente est gardée comme remplacée."
        return f"Analyse de {self.period} enregistrée dans l'historique."


def history_path(path: str | os.PathLike | None = None) -> Path:
    """The history file: the given path, else BOTTLENECK_HISTORY, else data/history.duckdb."""
    return Path(path or os.environ.get("BOTTLENECK_HISTORY") or DEFAULT_HISTORY)


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return any(sign in text for sign in ("lock", "conflict", "being used by another process",
                                         "different configuration"))


def _with_connection(path: Path, work, *, read_only: bool = False, timeout: float = LOCK_TIMEOUT):
    """Open the store for one unit of work, retrying with backoff while another process holds it."""
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        try:
            if read_only and not path.exists():
                return work(None)
            if not read_only:
                path.parent.mkdir(parents=True, exist_ok=True)
            con = duckdb.connect(str(path), read_only=read_only)
            try:
                if not read_only:
                    migrate(con)
                elif stored_version(con) < SCHEMA_VERSION:
                    con.close()
                    _with_connection(path, lambda c: None, timeout=max(deadline - time.monotonic(), 1))
                    con = duckdb.connect(str(path), read_only=True)
                return work(con)
            finally:
                con.close()
        except HistoryError:
            raise
        except (duckdb.IOException, duckdb.TransactionException, duckdb.ConnectionException) as exc:
            if not _is_lock_error(exc):
                raise HistoryError(f"L'historique {path} est illisible ou endommagé : sauvegardez-le puis "
                                   "déplacez-le ; un nouvel historique sera créé au prochain enregistrement.") from None
            if time.monotonic() + delay > deadline:
                raise HistoryError(f"L'historique {path} est occupé par un autre traitement depuis plus de "
                                   f"{timeout:.0f} s ; réessayez dans un instant.") from None
            time.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 1.0)
        except duckdb.Error:
            raise HistoryError(f"L'historique {path} est illisible ou endommagé : sauvegardez-le puis "
                               "déplacez-le ; un nouvel historique sera créé au prochain enregistrement.") from None


def stored_version(con: duckdb.DuckDBPyConnection) -> int:
    tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "schema_version" not in tables:
        return 0
    return int(con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0])


def migrate(con: duckdb.DuckDBPyConnection, target: int = SCHEMA_VERSION) -> int:
    """Bring the store up to `target`, one migration per transaction; returns the version reached.

    The version is read inside each migration's transaction: a writer that read it before another writer's
    migration committed would otherwise apply it twice. A migration racing another one fails with a
    transaction conflict, which the caller retries like a lock."""
    while True:
        con.execute("BEGIN TRANSACTION")
        try:
            version = stored_version(con)
            if version >= target:
                con.execute("COMMIT")
                return version
            for statement in MIGRATIONS[version]:
                con.execute(statement)
            con.execute("UPDATE schema_version SET version = $v", {"v": version + 1})
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise


def fingerprint(result: "PipelineResult") -> str:
    """What makes two runs the same: the period, the sources' content, the threshold and the config."""
    parts = [result.period, repr(result.threshold), json.dumps(result.config.to_dict(), sort_keys=True)]
    parts += [f"{kind}:{table.sha256}" for kind, table in sorted(result.sources.items())]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def record_run(result: "PipelineResult", path: str | os.PathLike | None = None,
               run_at: datetime | None = None) -> StoredRun:
    """Store a run as its period's current one (the previous stays, superseded); identical reruns are noted."""
    path = history_path(path)
    run_at = run_at or datetime.now()
    key = fingerprint(result)
    summary = result.summary
    products = result.products.assign(premium=result.products["product_id"].isin(result.premium["product_id"]))
    products = products[["product_id", "sku", "name", "price", "total_sales", "revenue", "price_zscore", "premium"]]
    checks = pd.DataFrame([{"check_id": c.id, "step": c.step, "severity": c.severity, "status": c.status,
                            "expected": None if c.expected is None else str(c.expected),
                            "actual": None if c.actual is None else str(c.actual), "message": c.message}
                           for c in result.checks])
    sources = pd.DataFrame([{"kind": k, "name": t.name, "size": t.size, "sha256": t.sha256}
                            for k, t in result.sources.items()])
    failed = sum(c.blocking_failure for c in result.checks)

    def write(con: duckdb.DuckDBPyConnection) -> StoredRun:
        con.execute("BEGIN TRANSACTION")
        try:
            current = con.execute(CURRENT_RUN_OF_PERIOD_SQL, {"period": result.period}).fetchall()
            if current and current[0][1] == key:
                con.execute("ROLLBACK")
                return StoredRun(int(current[0][0]), result.period, identical=True, replaced=False)
            con.execute("UPDATE runs SET superseded_at = $at WHERE period = $period AND superseded_at IS NULL",
                        {"at": run_at, "period": result.period})
            run_id = con.execute(
                """INSERT INTO runs (period, run_at, threshold, revenue_total, premium_count, ordinary_count,
                     merged_rows, checks_passed, checks_failed, summary_json, config_json, fingerprint)
                   VALUES ($period, $run_at, $threshold, $revenue, $premium, $ordinary, $merged, $passed,
                     $failed, $summary, $config, $key) RETURNING run_id""",
                {"period": result.period, "run_at": run_at, "threshold": result.threshold,
                 "revenue": summary["revenue_total"], "premium": summary["premium_count"],
                 "ordinary": summary["ordinary_count"], "merged": summary["rows"]["merged"],
                 "passed": summary["checks_passed"], "failed": failed, "summary": json.dumps(summary),
                 "config": json.dumps(result.config.to_dict()), "key": key}).fetchall()[0][0]
            con.register("new_products", products)
            con.register("new_checks", checks)
            con.register("new_sources", sources)
            con.execute("INSERT INTO run_products SELECT $id, * FROM new_products", {"id": run_id})
            con.execute("INSERT INTO run_checks SELECT $id, * FROM new_checks", {"id": run_id})
            con.execute("INSERT INTO run_sources SELECT $id, * FROM new_sources", {"id": run_id})
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        return StoredRun(int(run_id), result.period, identical=False, replaced=bool(current))

    return _with_connection(path, write)


def current_runs(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The current run of each period, oldest period first."""
    columns = ["run_id", "period", "run_at", "revenue_total", "premium_count", "ordinary_count", "merged_rows",
               "checks_passed", "checks_failed", "threshold", "superseded"]
    return _with_connection(history_path(path),
                            lambda con: con.execute(CURRENT_RUNS_SQL).df() if con else pd.DataFrame(columns=columns),
                            read_only=True)


def period_products(period: str, path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The products of a period's current run."""
    def read(con):
        if con is None:
            return pd.DataFrame()
        return con.execute(PRODUCTS_OF_PERIOD_SQL, {"period": period}).df()
    products = _with_connection(history_path(path), read, read_only=True)
    if products.empty:
        raise InputError(f"aucune analyse enregistrée pour {period} dans l'historique.")
    return products


@dataclass(frozen=True)
class Comparison:
    """What changed between two months."""

    before: str
    after: str
    revenue_before: float
    revenue_after: float
    entered_premium: pd.DataFrame
    left_premium: pd.DataFrame
    revenue_changes: pd.DataFrame
    new_products: pd.DataFrame
    vanished_products: pd.DataFrame


def compare_products(before: pd.DataFrame, after: pd.DataFrame, before_period: str, after_period: str,
                     top: int = 10) -> Comparison:
    """Wines entering and leaving premium, the largest revenue changes, new and vanished products."""
    both = before.merge(after, on="product_id", how="outer", suffixes=("_before", "_after"), indicator=True)
    both["name"] = both["name_after"].fillna(both["name_before"])
    both["sku"] = both["sku_after"].fillna(both["sku_before"])
    common = both.loc[both["_merge"] == "both"].copy()
    common["revenue_change"] = common["revenue_after"].fillna(0) - common["revenue_before"].fillna(0)
    entered = common.loc[common["premium_after"].astype(bool) & ~common["premium_before"].astype(bool)]
    left = common.loc[common["premium_before"].astype(bool) & ~common["premium_after"].astype(bool)]
    changes = common.reindex(common["revenue_change"].abs().sort_values(ascending=False).index).head(top)
    columns = ["product_id", "sku", "name", "price_before", "price_after", "revenue_before", "revenue_after"]
    return Comparison(
        before=before_period, after=after_period,
        revenue_before=float(before["revenue"].sum()), revenue_after=float(after["revenue"].sum()),
        entered_premium=entered[columns].reset_index(drop=True), left_premium=left[columns].reset_index(drop=True),
        revenue_changes=changes[columns + ["revenue_change"]].reset_index(drop=True),
        new_products=both.loc[both["_merge"] == "right_only", ["product_id", "sku", "name", "price_after",
                                                               "revenue_after"]].reset_index(drop=True),
        vanished_products=both.loc[both["_merge"] == "left_only", ["product_id", "sku", "name", "price_before",
                                                                  "revenue_before"]].reset_index(drop=True),
    )


def compare_periods(before: str, after: str, path: str | os.PathLike | None = None) -> Comparison:
    """Compare two stored months."""
    return compare_products(period_products(before, path), period_products(after, path), before, after)
