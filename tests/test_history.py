"""The history of months: reruns supersede, identical runs are noticed, concurrent writers lose nothing."""
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

from bottleneck_core.history import (SCHEMA_VERSION, HistoryError, compare_products, current_runs, migrate,
                                     period_products, record_run, stored_version)
from conftest import REPO


def as_month(result, period: str):
    return replace(result, period=period)


def test_a_run_is_stored_with_its_figures_checks_and_products(real_result, tmp_path):
    db = tmp_path / "h.duckdb"
    stored = record_run(real_result, db)
    assert not stored.identical and not stored.replaced
    runs = current_runs(db)
    assert runs[["period", "revenue_total", "premium_count", "checks_passed"]].values.tolist() == \
        [["2026-10", 70568.6, 30, True]]
    products = period_products("2026-10", db)
    assert len(products) == 714 and products["premium"].sum() == 30
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM run_checks").fetchall()[0][0] == len(real_result.checks)
        shas = {r[0] for r in con.execute("SELECT sha256 FROM run_sources").fetchall()}
    assert shas == {t.sha256 for t in real_result.sources.values()}


def test_identical_rerun_is_recognised_and_stores_nothing(real_result, tmp_path):
    db = tmp_path / "h.duckdb"
    first = record_run(real_result, db)
    again = record_run(real_result, db)
    assert again.identical and again.run_id == first.run_id
    assert "à l'identique" in again.message()
    assert current_runs(db)["superseded"].tolist() == [0]


def test_a_rerun_replaces_its_month_and_keeps_the_earlier_as_superseded(real_result, tmp_path):
    db = tmp_path / "h.duckdb"
    record_run(real_result, db)
    rerun = record_run(real_result.with_threshold(1.5), db)
    assert rerun.replaced and not rerun.identical
    runs = current_runs(db)
    assert runs[["period", "premium_count", "superseded"]].values.tolist() == [["2026-10", 49, 1]]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM runs").fetchall()[0][0] == 2


def test_four_processes_storing_four_months_at_once_lose_nothing(real_paths, tmp_path):
    db = tmp_path / "h.duckdb"
    erp, liaison, web = map(str, real_paths)
    runs = [subprocess.Popen([sys.executable, "-m", "bottleneck_core", "run", "--erp", erp, "--liaison", liaison,
                              "--web", web, "--period", period, "--out", str(tmp_path / period), "--history", str(db)],
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for period in ("2026-07", "2026-08", "2026-09", "2026-10")]
    for process in runs:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
        assert "enregistrée dans l'historique" in out
    listed = subprocess.run([sys.executable, "-m", "bottleneck_core", "history", "--db", str(db), "--json"],
                            cwd=REPO, capture_output=True, text=True, timeout=60)
    records = json.loads(listed.stdout)
    assert [r["period"] for r in records] == ["2026-07", "2026-08", "2026-09", "2026-10"]
    assert all(r["revenue_total"] == 70568.6 and r["premium_count"] == 30 and r["checks_passed"] for r in records)
    assert {"period", "run_at", "revenue_total", "premium_count", "checks_passed"} <= set(records[0])


def test_two_threads_writing_at_once_lose_nothing(real_result, tmp_path):
    db = tmp_path / "h.duckdb"
    failures = []

    def store(period):
        try:
            record_run(as_month(real_result, period), db)
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=store, args=(p,)) for p in ("2026-01", "2026-02")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert current_runs(db)["period"].tolist() == ["2026-01", "2026-02"]


def test_a_store_created_by_another_writer_meanwhile_is_not_called_damaged(real_result, tmp_path, monkeypatch):
    """The race behind a flaky test: a writer read 'no schema yet', another created it, and the first one's
    CREATE TABLE then failed as if the file were damaged. The version is now read inside the migration."""
    import bottleneck_core.history as history

    db = tmp_path / "h.duckdb"
    real_stored_version = history.stored_version
    raced = []

    def version_then_another_writer_migrates(con):
        version = real_stored_version(con)
        if not raced:
            raced.append(version)
            with duckdb.connect(str(db)) as other:
                history.migrate(other)
        return version

    monkeypatch.setattr(history, "stored_version", version_then_another_writer_migrates)
    record_run(as_month(real_result, "2026-01"), db)
    assert raced == [0]
    assert current_runs(db)["period"].tolist() == ["2026-01"]


KILLER = """
import os, signal, sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("BEGIN TRANSACTION")
con.execute("UPDATE runs SET revenue_total = -1")
con.execute("INSERT INTO runs (period, run_at, threshold) VALUES ('2099-01', now(), 2)")
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_process_killed_mid_write_leaves_the_store_readable_and_intact(real_result, tmp_path):
    db = tmp_path / "h.duckdb"
    record_run(real_result, db)
    killed = subprocess.run([sys.executable, "-c", KILLER, str(db)], capture_output=True, timeout=60)
    assert killed.returncode == -signal.SIGKILL
    runs = current_runs(db)
    assert runs[["period", "revenue_total"]].values.tolist() == [["2026-10", 70568.6]]
    assert record_run(as_month(real_result, "2026-11"), db).run_id > 0


def test_a_first_version_store_migrates_with_its_runs(tmp_path):
    db = tmp_path / "v1.duckdb"
    with duckdb.connect(str(db)) as con:
        migrate(con, target=1)
        for run_at, revenue in (("2026-09-15 09:00", 100.0), ("2026-09-16 09:00", 120.0)):
            run_id = con.execute("INSERT INTO runs (period, run_at, threshold, revenue_total, premium_count, "
                                 "ordinary_count, merged_rows, checks_passed) VALUES ('2026-09', $at, 2, $rev, 1, 2, "
                                 "3, false) RETURNING run_id", {"at": run_at, "rev": revenue}).fetchall()[0][0]
            con.execute("INSERT INTO run_checks VALUES ($id, 'erp_rows', 'clean_erp', 'error', 'failed', '825', "
                        "'3', 'x')", {"id": run_id})
        assert stored_version(con) == 1
    runs = current_runs(db)
    assert runs[["period", "revenue_total", "superseded", "checks_failed"]].values.tolist() == \
        [["2026-09", 120.0, 1, 1]]
    with duckdb.connect(str(db), read_only=True) as con:
        assert stored_version(con) == SCHEMA_VERSION


def test_a_corrupt_history_says_so_and_the_cli_still_delivers(real_paths, tmp_path):
    db = tmp_path / "h.duckdb"
    db.write_bytes(b"ceci n'est pas une base DuckDB" * 100)
    with pytest.raises(HistoryError, match="illisible ou endommagé"):
        current_runs(db)
    erp, liaison, web = map(str, real_paths)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "bottleneck_core", "run", "--erp", erp, "--liaison", liaison,
                           "--web", web, "--out", str(out), "--history", str(db)], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert "analyse non enregistrée dans l'historique" in done.stderr
    assert (out / "rapport_ca.xlsx").exists()


HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("locked", flush=True)
time.sleep(30)
"""


def test_a_locked_history_times_out_with_a_message_and_the_analysis_completes(real_result, real_paths, tmp_path):
    db = tmp_path / "h.duckdb"
    record_run(real_result, db)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        erp, liaison, web = map(str, real_paths)
        done = subprocess.run([sys.executable, "-m", "bottleneck_core", "run", "--erp", erp, "--liaison", liaison,
                               "--web", web, "--out", str(tmp_path / "out"), "--history", str(db),
                               "--period", "2026-11"], cwd=REPO, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "BOTTLENECK_HISTORY_TIMEOUT": "2"})
        assert done.returncode == 0
        assert "occupé par un autre traitement" in done.stderr
        assert (tmp_path / "out" / "summary.json").exists()
    finally:
        holder.kill()
        holder.wait()


def test_compare_finds_entries_exits_and_changes(real_result, tmp_path):
    before = real_result.products.assign(premium=real_result.products["product_id"].isin(real_result.premium["product_id"]))
    after = before.copy()
    after.loc[after.index[0], "premium"] = not after.loc[after.index[0], "premium"]
    after.loc[after.index[-1], "premium"] = True
    after.loc[after.index[1], "revenue"] += 500
    after = pd.concat([after.iloc[:-2], before.iloc[[-1]].assign(product_id="nouveau", premium=False)])
    diff = compare_products(before, after, "2026-09", "2026-10")
    assert diff.revenue_changes["product_id"].iloc[0] == before["product_id"].iloc[1]
    assert diff.revenue_changes["revenue_change"].iloc[0] == 500
    assert diff.new_products["product_id"].tolist() == ["nouveau"]
    assert len(diff.vanished_products) == 2
    assert before["product_id"].iloc[0] in set(diff.left_premium["product_id"]) | set(diff.entered_premium["product_id"])


def test_cli_compare_prints_what_changed(real_result, tmp_path):
    db = tmp_path / "h.duckdb"
    record_run(as_month(real_result, "2026-09"), db)
    record_run(as_month(real_result.with_threshold(1.5), "2026-10"), db)
    done = subprocess.run([sys.executable, "-m", "bottleneck_core", "compare", "2026-09", "2026-10", "--db", str(db)],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "Vins entrés en premium : 19" in done.stdout and "Vins sortis du premium : 0" in done.stdout
    missing = subprocess.run([sys.executable, "-m", "bottleneck_core", "compare", "2026-09", "2030-01", "--db",
                              str(db)], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "aucune analyse enregistrée pour 2030-01" in missing.stderr
