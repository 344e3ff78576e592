"""The run's DuckDB connections: no file access, locked settings, one thread for a small month."""
from __future__ import annotations

import duckdb
import pytest

from bottleneck_core.engine import SERIAL_BELOW_ROWS, THREADS, connect


@pytest.mark.parametrize("rows, threads", [(3_163, 1), (SERIAL_BELOW_ROWS - 1, 1), (SERIAL_BELOW_ROWS, THREADS),
                                           (1_500_000, THREADS), (None, THREADS)])
def test_a_small_job_runs_on_one_thread_and_a_large_one_on_all(rows, threads):
    con = connect(rows)
    try:
        assert con.execute("SELECT current_setting('threads')").fetchall() == [(threads,)]
    finally:
        con.close()


@pytest.mark.parametrize("rows", [10, 10**6])
def test_no_connection_reads_files_or_changes_its_settings(rows, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n")
    con = connect(rows)
    try:
        with pytest.raises(duckdb.PermissionException):
            con.execute(f"SELECT * FROM read_csv('{secret}')").fetchall()
        with pytest.raises(duckdb.InvalidInputException):
            con.execute("SET enable_external_access = true")
    finally:
        con.close()
