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
from bottleneck_core.runs.history import (HistoryError, compare_periods, copy_history, current_runs, history_store,
                                          period_products, previous_month, product_over_months, record_run)
from bottleneck_core.runs.schema import MIGRATIONS, SCHEMA_VERSION
from conftest import REFERENCE_CONFIG, REPO


def as_month(result, period: str):
    return replace(result, period=period)


def cli(*args, env=None, timeout=180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bottleneck_core", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


@pytest.fixture
def db(tmp_path) -> str:
    """A DuckDB history, for what only a file can do (be held, be damaged, be killed mid-write)."""
    return str(tmp_path / "h.duckdb")


def rows(location: str, sql: str) -> list[tuple]:
    return history_store(location).run(lambda tx: tx.rows(sql), write=False)


def test_a_run_is_stored_with_its_figures_checks_and_products(real_result, history):
    stored = record_run(real_result, history)
    assert not stored.identical and not stored.replaced
    runs = current_runs(history)
    assert runs[["period", "revenue_total", "premium_count", "checks_passed"]].values.tolist() == \
        [["2026-10", 70568.6, 30, True]]
    products = period_products("2026-10", history)
    assert len(products) == 714 and products["premium"].sum() == 30
    assert rows(history, "SELECT count(*) FROM run_checks")[0][0] == len(real_result.checks)
    assert {r[0] for r in rows(history, "SELECT sha256 FROM run_sources")} == \
        {t.sha256 for t in real_result.sources.values()}


def test_a_failed_real_run_stores_its_failed_checks(real_result, history):
    failed = as_month(real_result, "2026-11")
    failed = replace(failed, checks=tuple(replace(c, status="failed") if c.id == "merged_not_empty" else c
                                          for c in failed.checks))
    record_run(failed, history)
    run = current_runs(history).iloc[0]
    assert (bool(run.checks_passed), int(run.checks_failed)) == (False, 1)
    assert rows(history, "SELECT check_id FROM run_checks WHERE status = 'failed' AND severity = 'error'") == \
        [("merged_not_empty",)]


def test_identical_rerun_is_recognised_and_stores_nothing(real_result, history):
    first, again = record_run(real_result, history), record_run(real_result, history)
    assert again.identical and again.run_id == first.run_id and "à l'identique" in again.message()
    assert current_runs(history)["superseded"].tolist() == [0]


def test_a_rerun_replaces_its_month_and_keeps_the_earlier_as_superseded(real_result, history):
    record_run(real_result, history)
    changed = replace(real_result, sources={**real_result.sources,
                                            "erp": replace(real_result.sources["erp"], sha256="autre")})
    rerun = record_run(changed, history)
    assert rerun.replaced and not rerun.identical
    assert current_runs(history)[["period", "superseded"]].values.tolist() == [["2026-10", 1]]
    assert rows(history, "SELECT count(*), count(current_period) FROM runs") == [(2, 1)]  # nothing deleted


def test_the_database_itself_refuses_two_current_runs_of_one_month(real_result, history):
    record_run(real_result, history)
    second = "INSERT INTO runs (period, run_at, threshold, current_period) VALUES ('2026-10', '2026-12-01', 2, '2026-10')"
    with pytest.raises(Exception):
        history_store(history)._transaction(lambda tx: tx.rows(second), True)


def test_comparing_a_month_that_was_rerun_uses_its_current_analysis(real_result, history):
    record_run(as_month(real_result, "2026-09"), history)
    record_run(as_month(real_result, "2026-10"), history)
    cheaper = real_result.products.assign(revenue=real_result.products["revenue"] / 2)
    rerun = replace(as_month(real_result, "2026-10"), products=cheaper,
                    sources={**real_result.sources, "web": replace(real_result.sources["web"], sha256="rerun")})
    record_run(rerun, history)
    diff = compare_periods("2026-09", "2026-10", history)
    assert diff.revenue_after == pytest.approx(70568.6 / 2, abs=0.01) and diff.revenue_before == 70568.6


@pytest.mark.parametrize("variant", ["simulated", "sample"])
def test_only_analyses_of_record_are_kept(real_result, db, variant):
    result = with_threshold(real_result, 1.5) if variant == "simulated" else replace(real_result, sample=True)
    with pytest.raises(HistoryError, match="simulation|exemple"):
        record_run(result, db)
    assert current_runs(db).empty


def test_the_previous_month_is_the_latest_recorded_before_this_one(real_result, history):
    for period in ("2026-07", "2026-09", "2026-11"):
        record_run(as_month(real_result, period), history)
    previous = previous_month("2026-10", history)
    assert (previous.period, previous.threshold) == ("2026-09", 2.0)
    assert previous.figures == {"erp_rows": 825, "liaison_rows": 825, "web_clean_rows": 1428, "web_dedup_rows": 714,
                                "merged_rows": 714, "revenue_total": 70568.6, "premium_count": 30,
                                "price_mean": pytest.approx(real_result.price_stats.mean), "products_sold": 385,
                                "ordinary_count": 684, "price_std": pytest.approx(real_result.price_stats.std),
                                "threshold_price": pytest.approx(real_result.threshold_price), "warnings": 4,
                                "threshold_of_record": 2.0, "checks_passed": True}
    assert previous.sources == {kind: table.sha256 for kind, table in real_result.sources.items()}  # the files' prints
    assert previous_month("2026-07", history) is None


def test_last_months_exports_recorded_again_as_this_month_are_said(real_paths, real_result, history):
    from bottleneck_core import run_pipeline

    record_run(as_month(real_result, "2026-10"), history)
    again = run_pipeline(*real_paths, config=REFERENCE_CONFIG, period="2026-11",
                         previous=previous_month("2026-11", history))
    check = next(c for c in again.checks if c.id == "not_previous_exports")
    assert (check.status, check.severity) == ("failed", "warning")
    assert check.message.startswith("L'export ERP et l'export WEB sont identiques, octet pour octet, à ceux "
                                    "enregistrés pour octobre 2026 : ce sont sans doute les exports de ce mois-là, "
                                    "déposés de nouveau pour novembre 2026.")
    change = next(c for c in again.checks if c.id == "change_revenue_total")
    assert change.status == "passed" and "(sans changement)" in change.message  # what alone passed quietly


def test_a_product_over_the_months_has_its_price_sales_and_premium_status(real_result, history):
    for period in ("2026-08", "2026-09"):
        record_run(as_month(real_result, period), history)
    months = product_over_months("4352", history)
    assert months["period"].tolist() == ["2026-08", "2026-09"] and months["premium"].tolist() == [True, True]
    assert months["revenue"].tolist() == [1125.0, 1125.0]


def test_three_threads_writing_at_once_lose_nothing(real_result, history):
    failures = []

    def store(period):
        try:
            record_run(as_month(real_result, period), history)
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=store, args=(p,)) for p in ("2026-01", "2026-02", "2026-03", "2026-03")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures and current_runs(history)["period"].tolist() == ["2026-01", "2026-02", "2026-03"]


@pytest.mark.parametrize("backend, processes", [("duckdb", 4), ("postgresql", 6)])
def test_cli_processes_storing_months_at_once_lose_nothing(real_paths, tmp_path, request, backend, processes):
    location = str(tmp_path / "h.duckdb") if backend == "duckdb" else request.getfixturevalue("postgres_database")
    erp, liaison, web = map(str, real_paths)
    periods = [f"2026-{month:02d}" for month in range(1, processes + 1)]
    runs = [subprocess.Popen([sys.executable, "-m", "bottleneck_core", "run", "--erp", erp, "--liaison", liaison,
                              "--web", web, "--period", period, "--out", str(tmp_path / period), "--history", location],
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for period in periods]
    for process in runs:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
        assert "enregistrée dans l'historique" in out
    listed = cli("history", "--db", location, "--json")
    records = json.loads(listed.stdout)
    assert [r["period"] for r in records] == periods
    assert all(r["revenue_total"] == 70568.6 and r["premium_count"] == 30 and r["checks_passed"] for r in records)
    assert "password" not in listed.stdout + listed.stderr and location.split("@")[0] not in listed.stdout


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
    assert done.returncode == 4 and "Traceback" not in done.stderr  # delivered, but not recorded: said by its code
    assert "analyse non enregistrée dans l'historique" in done.stderr and (tmp_path / "out" / "rapport_ca.xlsx").exists()


def test_a_history_held_by_another_process_is_waited_for_then_said_busy(real_result, db):
    record_run(real_result, db)
    holder = duckdb.connect(db)  # this process holds the file: another process cannot open it
    try:
        done = cli("history", "--db", db, env={"BOTTLENECK_HISTORY_TIMEOUT": "0.5"}, timeout=60)
    finally:
        holder.close()
    assert done.returncode == 2 and "occupé par un autre traitement depuis plus de 0,5 s" in done.stderr


def test_compare_finds_entries_exits_and_changes(real_result):
    before = real_result.products.assign(premium=real_result.products["product_id"].isin(real_result.premium["product_id"]))
    after = before.copy()
    after.loc[after.index[0], "premium"] = not after.loc[after.index[0], "premium"]
    after.loc[after.index[-1], "premium"] = True
    after.loc[after.index[1], "revenue"] += 500
    ids = before["product_id"]
    after = pd.concat([after.drop(index=after.index[2]), before.iloc[[3]].assign(product_id="nouveau", premium=False)])
    diff = compare_products(before, after, "2026-09", "2026-10")
    changes = diff.revenue_changes.set_index("product_id")["revenue_change"]
    assert changes[ids.iloc[1]] == 500 and changes.abs().is_monotonic_decreasing  # the largest first
    assert changes[ids.iloc[2]] == -before["revenue"].iloc[2] and changes["nouveau"] == before["revenue"].iloc[3]
    # The product whose revenue moved, the one vanished (to 0 €) and the new one (from 0 €); the unchanged ones are
    # no change, and the changes listed add up to the month's.
    assert set(diff.revenue_changes["product_id"]) == {ids.iloc[1], ids.iloc[2], "nouveau"}
    assert round(diff.revenue_changes["revenue_change"].sum(), 2) == diff.revenue_change
    assert compare_products(before, before, "2026-09", "2026-10").revenue_changes.empty
    assert diff.new_products["product_id"].tolist() == ["nouveau"]
    assert diff.vanished_products["product_id"].tolist() == [ids.iloc[2]]
    assert diff.revenue_change == round(diff.revenue_after - diff.revenue_before, 2)
    flipped = {ids.iloc[0]: bool(after.loc[after.index[0], "premium"]), ids.iloc[-1]: True}
    assert set(diff.entered_premium["product_id"]) == {p for p, now in flipped.items() if now}
    assert {"price_zscore_before", "price_zscore_after"} <= set(diff.left_premium.columns)


def test_cli_compare_prints_what_changed(real_result, history, capsys):
    from bottleneck_core.runs.cli import main

    record_run(as_month(real_result, "2026-09"), history)
    looser = replace(as_month(real_result, "2026-10"), config=replace(real_result.config, threshold=1.5))
    record_run(with_threshold(looser, 1.5), history)
    assert main(["compare", "2026-09", "2026-10", "--db", history]) == 0
    out = capsys.readouterr().out
    assert "Vins entrés en premium : 19" in out and "Vins sortis du premium : 0" in out
    assert "Z-score 2026-09" in out
    # Identical files cut at two thresholds: the entries come from the threshold alone, and that is said first.
    assert out.startswith("Attention : Les deux mois n'ont pas été analysés au même seuil de z-score (2,00 en "
                          "septembre 2026, 1,50 en octobre 2026)")
    assert "Vins premium : 30 → 49 ; 19 entrés, 0 sorti" in out
    assert main(["compare", "2026-10", "2026-10", "--db", history]) == 2
    assert "les deux mois sont le même (2026-10)" in capsys.readouterr().err
    assert main(["compare", "2026-09", "2030-01", "--db", history]) == 2
    assert "aucune analyse enregistrée pour 2030-01" in capsys.readouterr().err


def test_cli_compare_counts_a_vanished_best_seller_among_the_largest_changes(real_result, history, capsys):
    from bottleneck_core.runs.cli import main

    record_run(as_month(real_result, "2026-09"), history)
    record_run(replace(as_month(real_result, "2026-10"), products=real_result.products.iloc[1:]), history)
    assert main(["compare", "2026-09", "2026-10", "--db", history]) == 0
    out = capsys.readouterr().out
    changes = out.split("Plus fortes variations de CA : ")[1].split("\n\n")[0]
    best = real_result.products.iloc[0]
    line = next(l for l in changes.splitlines() if l.startswith(best["product_id"]))
    revenue = f"{best['revenue']:,.2f}".replace(",", " ").replace(".", ",")
    assert line.split("  ")[0].strip() == best["product_id"] and line.endswith(f"—           −{revenue} €"), line


def test_a_vanished_premium_wine_leaves_the_premium_and_a_new_one_enters_so_the_counts_add_up(real_result):
    products = real_result.products.assign(premium=real_result.products["product_id"].isin(
        real_result.premium["product_id"]))
    gone = products.loc[products["premium"]].iloc[0]
    new = products.iloc[[0]].assign(product_id="nouveau", premium=True)
    after = pd.concat([products.loc[products["product_id"] != gone["product_id"]], new, new.assign(
        product_id="nouveau-ordinaire", premium=False)])
    diff = compare_products(products, after, "2026-09", "2026-10", thresholds=(2.0, 2.0))
    assert diff.left_premium["product_id"].tolist() == [gone["product_id"]]
    assert diff.entered_premium["product_id"].tolist() == ["nouveau"]
    assert diff.premium_before + len(diff.entered_premium) - len(diff.left_premium) == diff.premium_after == 30
    assert diff.notes == []  # one threshold: nothing to warn about


@pytest.mark.parametrize("kind", ["postgresql", "duckdb"])
def test_the_copy_command_moves_a_duckdb_history_into_another_once(real_result, db, request, tmp_path, capsys, kind):
    from bottleneck_core.formatting import integer
    from bottleneck_core.runs.cli import main

    # Into PostgreSQL to share it; into another DuckDB file for a backup (DuckDB refused a parameter it was
    # given but did not use, and the copy said a new, empty file was damaged).
    target = request.getfixturevalue("postgres_database") if kind == "postgresql" else str(tmp_path / "copie.duckdb")

    for period in ("2026-08", "2026-09", "2026-10"):
        record_run(as_month(real_result, period), db)
    changed = replace(as_month(real_result, "2026-10"), sources={
        **real_result.sources, "erp": replace(real_result.sources["erp"], sha256="rerun")})
    record_run(changed, db)  # a superseded run travels too
    assert main(["history", "--db", db, "--copy-to", target]) == 0
    out = capsys.readouterr().out
    rows = 4 * (len(real_result.products) + len(real_result.checks) + len(real_result.sources))  # 3 044
    assert f"4 analyses copiées ({integer(rows)} lignes), 0 déjà présente." in out and "secret" not in out
    assert main(["history", "--db", db, "--copy-to", target]) == 0  # idempotent
    assert "0 analyse copiée (0 ligne), 4 déjà présentes" in capsys.readouterr().out
    main(["history", "--db", db, "--json"])
    from_duckdb = capsys.readouterr().out
    main(["history", "--db", target, "--json"])
    from_target = capsys.readouterr().out
    drop_ids = lambda text: [{k: v for k, v in r.items() if k != "run_id"} for r in json.loads(text)]
    assert drop_ids(from_target) == drop_ids(from_duckdb) and len(json.loads(from_target)) == 3
    assert copy_history(db, target) == {"runs": 0, "already_there": 4, "rows": 0}


def test_copying_a_history_that_does_not_exist_says_so_and_creates_nothing(tmp_path, capsys):
    from bottleneck_core.runs.cli import main

    assert main(["history", "--db", str(tmp_path / "absent.duckdb"), "--copy-to", str(tmp_path / "copie.duckdb")]) == 2
    assert f"L'historique {tmp_path / 'absent.duckdb'} n'existe pas : rien à copier." in capsys.readouterr().err
    assert not (tmp_path / "copie.duckdb").exists()


def test_a_stopped_server_is_one_french_message_and_the_month_is_still_delivered(real_paths, tmp_path):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nobody listens there
    url = f"postgresql://analyste:motdepasse-secret@127.0.0.1:{port}/bottleneck"
    erp, liaison, web = map(str, real_paths)
    done = cli("run", "--erp", erp, "--liaison", liaison, "--web", web, "--out", str(tmp_path / "out"), "--history", url)
    assert done.returncode == 4 and "Traceback" not in done.stderr and (tmp_path / "out" / "rapport_ca.xlsx").exists()
    assert "Historique injoignable : pas de comparaison avec le mois précédent." in done.stdout
    assert "Aucun mois précédent" not in done.stdout  # the history was not read: it is not said empty
    assert f"L'historique postgresql://analyste@127.0.0.1:{port}/bottleneck ne peut pas être utilisé : le serveur est " \
           "injoignable" in done.stderr
    assert "motdepasse-secret" not in done.stdout + done.stderr


def test_wrong_credentials_are_said_without_the_password(real_result, postgres_server):
    wrong = postgres_server.replace("bottleneck:", "bottleneck:faux-", 1)
    with pytest.raises(HistoryError) as error:
        record_run(real_result, wrong)
    assert "les identifiants sont refusés" in str(error.value) and "faux-" not in str(error.value)


def test_a_run_s_time_is_the_same_moment_whatever_the_time_zone_of_the_machine_that_recorded_it(real_result,
                                                                                                 history, monkeypatch):
    import time

    # A Kestra worker in New York's time and an app server in Tokyo's write to one shared history.
    for zone, period in (("America/New_York", "2026-09"), ("Asia/Tokyo", "2026-10")):
        monkeypatch.setenv("TZ", zone)
        time.tzset()
        record_run(as_month(real_result, period), history)
    monkeypatch.undo()
    time.tzset()
    runs = current_runs(history)
    assert str(runs["run_at"].dt.tz) == "Europe/Paris"  # shown in the team's time
    now = pd.Timestamp.now(tz="UTC")
    assert all(abs(now - moment) < pd.Timedelta(minutes=5) for moment in runs["run_at"]), runs["run_at"].tolist()



def test_the_report_sets_last_month_s_recorded_figures_beside_this_month_s(real_result, history):
    import io

    import openpyxl

    from bottleneck_core import deliverables

    record_run(as_month(real_result, "2026-09"), history)
    now = replace(as_month(real_result, "2026-10"), previous=previous_month("2026-10", history))
    book = openpyxl.load_workbook(io.BytesIO(deliverables(now)["rapport_ca.xlsx"]), read_only=True)
    rows = {row[0]: row[1:3] for row in book["Synthèse"].iter_rows(min_row=2, values_only=True)}
    assert rows["Vins ordinaires"] == (684, 684) and rows["Avertissements"] == (4, 4)
    assert rows["Écart type des prix (€)"][0] == rows["Écart type des prix (€)"][1] == pytest.approx(
        real_result.price_stats.std)
    assert rows["Seuil de la configuration"] == (2, 2) and rows["Tous les contrôles bloquants réussis"] == ("oui", "oui")
    assert rows["Prix correspondant au seuil (€)"][0] == rows["Prix correspondant au seuil (€)"][1] is not None
    # Counts cut at another threshold are not set beside each other.
    looser = replace(now, previous=replace(now.previous, threshold=1.5))
    book = openpyxl.load_workbook(io.BytesIO(deliverables(looser)["rapport_ca.xlsx"]), read_only=True)
    rows = {row[0]: row[1:3] for row in book["Synthèse"].iter_rows(min_row=2, values_only=True)}
    assert rows["Vins ordinaires"] == (684, None) and rows["Prix correspondant au seuil (€)"][1] is None
