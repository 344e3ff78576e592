"""The history of months: reruns supersede, identical runs are noticed, concurrent writers lose nothing, only
analyses of record are kept, and each month is compared with the previous one."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import replace

import duckdb
import pandas as pd
import pytest

from bottleneck_core import with_threshold
from bottleneck_core.runs.compare import compare_products
from bottleneck_core.runs.history import (HistoryError, compare_periods, current_runs, period_products,
                                          previous_month, product_over_months, record_run)
from bottleneck_core.runs.schema import MIGRATIONS, SCHEMA_VERSION
from conftest import REPO


def as_month(result, period: str):
    return replace(result, period=period)


def cli(*args, env=None, timeout=180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bottleneck_core", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


@pytest.fixture
def db(tmp_path) -> str:
    return str(tmp_path / "h.duckdb")


def test_a_run_is_stored_with_its_figures_checks_and_products(real_result, db):
    stored = record_run(real_result, db)
    assert not stored.identical and not stored.replaced
    runs = current_runs(db)
    assert runs[["period", "revenue_total", "premium_count", "checks_passed"]].values.tolist() == \
        [["2026-10", 70568.6, 30, True]]
    products = period_products("2026-10", db)
    assert len(products) == 714 and products["premium"].sum() == 30
    with duckdb.connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM run_checks").fetchall()[0][0] == len(real_result.checks)
        assert {r[0] for r in con.execute("SELECT sha256 FROM run_sources").fetchall()} == \
            {t.sha256 for t in real_result.sources.values()}


def test_a_failed_real_run_stores_its_failed_checks(real_result, db):
    failed = as_month(real_result, "2026-11")
    failed = replace(failed, checks=tuple(replace(c, status="failed") if c.id == "merged_not_empty" else c
                                          for c in failed.checks))
    record_run(failed, db)
    run = current_runs(db).iloc[0]
    assert (bool(run.checks_passed), int(run.checks_failed)) == (False, 1)
    with duckdb.connect(db, read_only=True) as con:
        assert con.execute("SELECT check_id FROM run_checks WHERE status = 'failed' AND severity = 'error'"
                           ).fetchall() == [("merged_not_empty",)]


def test_identical_rerun_is_recognised_and_stores_nothing(real_result, db):
    first, again = record_run(real_result, db), record_run(real_result, db)
    assert again.identical and again.run_id == first.run_id and "à l'identique" in again.message()
    assert current_runs(db)["superseded"].tolist() == [0]


def test_a_rerun_replaces_its_month_and_keeps_the_earlier_as_superseded(real_result, db):
    record_run(real_result, db)
    changed = replace(real_result, sources={**real_result.sources,
                                            "erp": replace(real_result.sources["erp"], sha256="autre")})
    rerun = record_run(changed, db)
    assert rerun.replaced and not rerun.identical
    assert current_runs(db)[["period", "superseded"]].values.tolist() == [["2026-10", 1]]
    with duckdb.connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*), count(current_period) FROM runs").fetchall() == [(2, 1)]


def test_comparing_a_month_that_was_rerun_uses_its_current_analysis(real_result, db):
    record_run(as_month(real_result, "2026-09"), db)
    record_run(as_month(real_result, "2026-10"), db)
    cheaper = real_result.products.assign(revenue=real_result.products["revenue"] / 2)
    rerun = replace(as_month(real_result, "2026-10"), products=cheaper,
                    sources={**real_result.sources, "web": replace(real_result.sources["web"], sha256="rerun")})
    record_run(rerun, db)
    diff = compare_periods("2026-09", "2026-10", db)
    assert diff.revenue_after == pytest.approx(70568.6 / 2, abs=0.01) and diff.revenue_before == 70568.6


@pytest.mark.parametrize("variant", ["simulated", "sample"])
def test_only_analyses_of_record_are_kept(real_result, db, variant):
    result = with_threshold(real_result, 1.5) if variant == "simulated" else replace(real_result, sample=True)
    with pytest.raises(HistoryError, match="simulation|exemple"):
        record_run(result, db)
    assert current_runs(db).empty


def test_the_previous_month_is_the_latest_recorded_before_this_one(real_result, db):
    for period in ("2026-07", "2026-09", "2026-11"):
        record_run(as_month(real_result, period), db)
    previous = previous_month("2026-10", db)
    assert (previous.period, previous.threshold) == ("2026-09", 2.0)
    assert previous.figures == {"erp_rows": 825, "liaison_rows": 825, "web_clean_rows": 1428, "web_dedup_rows": 714,
                                "merged_rows": 714, "revenue_total": 70568.6, "premium_count": 30,
                                "price_mean": pytest.approx(real_result.price_stats.mean), "products_sold": 385}
    assert previous_month("2026-07", db) is None


def test_a_product_over_the_months_has_its_price_sales_and_premium_status(real_result, db):
    for period in ("2026-08", "2026-09"):
        record_run(as_month(real_result, period), db)
    rows = product_over_months("4352", db)
    assert rows["period"].tolist() == ["2026-08", "2026-09"] and rows["premium"].tolist() == [True, True]


def test_two_threads_writing_at_once_lose_nothing(real_result, db):
    failures = []

    def store(period):
        try:
            record_run(as_month(real_result, period), db)
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=store, args=(p,)) for p in ("2026-01", "2026-02", "2026-03")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures and current_runs(db)["period"].tolist() == ["2026-01", "2026-02", "2026-03"]


def test_four_processes_storing_four_months_at_once_lose_nothing(real_paths, tmp_path, db):
    erp, liaison, web = map(str, real_paths)
    runs = [subprocess.Popen([sys.executable, "-m", "bottleneck_core", "run", "--erp", erp, "--liaison", liaison,
                              "--web", web, "--period", period, "--out", str(tmp_path / period), "--history", db],
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for period in ("2026-07", "2026-08", "2026-09", "2026-10")]
    for process in runs:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
        assert "enregistrée dans l'historique" in out
    records = json.loads(cli("history", "--db", db, "--json").stdout)
    assert [r["period"] for r in records] == ["2026-07", "2026-08", "2026-09", "2026-10"]
    assert all(r["revenue_total"] == 70568.6 and r["premium_count"] == 30 and r["checks_passed"] for r in records)


KILLER = """
import os, signal, sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("BEGIN TRANSACTION")
con.execute("UPDATE runs SET revenue_total = -1")
con.execute("INSERT INTO runs (period, run_at, threshold) VALUES ('2099-01', now(), 2)")
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_process_killed_mid_write_leaves_the_store_readable_and_intact(real_result, db):
    record_run(real_result, db)
    killed = subprocess.run([sys.executable, "-c", KILLER, db], capture_output=True, timeout=60)
    assert killed.returncode == -signal.SIGKILL
    assert current_runs(db)[["period", "revenue_total"]].values.tolist() == [["2026-10", 70568.6]]
    assert record_run(as_month(real_result, "2026-11"), db).run_id > 0


def test_a_first_version_store_migrates_with_its_runs(db):
    with duckdb.connect(db) as con:
        for statement in MIGRATIONS[0]:
            con.execute(statement)
        con.execute("UPDATE schema_version SET version = 1")
        for run_at, revenue in (("2026-09-15 09:00", 100.0), ("2026-09-16 09:00", 120.0)):
            run_id = con.execute("INSERT INTO runs (period, run_at, threshold, revenue_total, premium_count, "
                                 "ordinary_count, merged_rows, checks_passed) VALUES ('2026-09', $at, 2, $rev, 1, 2, "
                                 "3, false) RETURNING run_id", {"at": run_at, "rev": revenue}).fetchall()[0][0]
            con.execute("INSERT INTO run_checks VALUES ($id, 'erp_rows', 'clean_erp', 'error', 'failed', '825', "
                        "'3', 'x')", {"id": run_id})
    runs = current_runs(db)  # the first reader of an earlier version migrates it
    assert runs[["period", "revenue_total", "superseded", "checks_failed"]].values.tolist() == [["2026-09", 120.0, 1, 1]]
    with duckdb.connect(db, read_only=True) as con:
        assert con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0] == SCHEMA_VERSION


def test_a_corrupt_history_says_so_and_the_cli_still_delivers(real_paths, tmp_path):
    db = tmp_path / "h.duckdb"
    db.write_bytes(b"ceci n'est pas une base DuckDB" * 100)
    with pytest.raises(HistoryError, match="illisible ou endommagé"):
        current_runs(db)
    erp, liaison, web = map(str, real_paths)
    done = cli("run", "--erp", erp, "--liaison", liaison, "--web", web, "--out", str(tmp_path / "out"),
               "--history", str(db))
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert "analyse non enregistrée dans l'historique" in done.stderr and (tmp_path / "out" / "rapport_ca.xlsx").exists()


def test_a_history_held_by_another_process_is_waited_for_then_said_busy(real_result, db, monkeypatch):
    import bottleneck_core.runs.stores as stores

    record_run(real_result, db)
    holder = duckdb.connect(db)  # this process holds the file: another process cannot open it
    try:
        done = cli("history", "--db", db, env={"BOTTLENECK_HISTORY_TIMEOUT": "0.5"}, timeout=60)
    finally:
        holder.close()
    assert done.returncode == 2 and "occupé par un autre traitement" in done.stderr
    assert stores.LOCK_TIMEOUT > 0


def test_compare_finds_entries_exits_and_changes(real_result):
    before = real_result.products.assign(premium=real_result.products["product_id"].isin(real_result.premium["product_id"]))
    after = before.copy()
    after.loc[after.index[0], "premium"] = not after.loc[after.index[0], "premium"]
    after.loc[after.index[-1], "premium"] = True
    after.loc[after.index[1], "revenue"] += 500
    after = pd.concat([after.iloc[:-2], before.iloc[[-1]].assign(product_id="nouveau", premium=False)])
    diff = compare_products(before, after, "2026-09", "2026-10")
    assert diff.revenue_changes["product_id"].iloc[0] == before["product_id"].iloc[1]
    assert diff.revenue_changes["revenue_change"].iloc[0] == 500
    assert diff.new_products["product_id"].tolist() == ["nouveau"] and len(diff.vanished_products) == 2
    assert diff.revenue_change == round(diff.revenue_after - diff.revenue_before, 2)


def test_cli_compare_prints_what_changed(real_result, db):
    record_run(as_month(real_result, "2026-09"), db)
    cheaper = replace(as_month(real_result, "2026-10"), config=replace(real_result.config, threshold=1.5),
                      threshold=1.5)
    record_run(with_threshold(cheaper, 1.5), db)
    done = cli("compare", "2026-09", "2026-10", "--db", db)
    assert done.returncode == 0
    assert "Vins entrés en premium : 19" in done.stdout and "Vins sortis du premium : 0" in done.stdout
    missing = cli("compare", "2026-09", "2030-01", "--db", db)
    assert missing.returncode == 2 and "aucune analyse enregistrée pour 2030-01" in missing.stderr
