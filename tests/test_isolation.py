"""Workbooks parse in limited child processes: a reader that aborts or hangs costs one error, not the app."""
from __future__ import annotations

import os
import threading

import pytest

from bottleneck_core import isolation, workbook
from bottleneck_core.errors import InputError
from bottleneck_core.reading import RawFile
from test_bad_input import range_bomb


def test_the_worker_inspects_a_workbook_before_parsing_it():
    with pytest.raises(InputError, match="plage utilisée de 1048576 lignes"):
        isolation.run_isolated("read_sheet", range_bomb("XFD1048576"), "bombe.xlsx", "xlsx")


def test_a_reader_abort_in_the_worker_is_one_catchable_failure():
    # Without the inspection, calamine tries to allocate hundreds of GB and aborts its process.
    with pytest.raises(isolation.WorkerFailure) as failure:
        isolation.run_isolated("read_sheet", range_bomb("XFD1048576"), "bombe.xlsx", "xlsx", False)
    assert failure.value.reason == "crash"


def test_a_worker_past_its_time_limit_is_replaced(real_paths):
    data = real_paths[2].read_bytes()
    with pytest.raises(isolation.WorkerFailure) as failure:
        isolation.run_isolated("read_sheet", data, "web.xlsx", "xlsx", timeout=0.001)
    assert failure.value.reason == "timeout"
    sheet = isolation.run_isolated("read_sheet", data, "web.xlsx", "xlsx")
    assert sheet.n_rows == 1513


def test_a_worker_failure_reaches_users_as_a_french_message(monkeypatch):
    run = isolation.run_isolated
    # As if a bomb slipped past the inspection.
    monkeypatch.setattr(isolation, "run_isolated", lambda name, data, file_name, fmt: run(name, data, file_name,
                                                                                           fmt, False))
    with pytest.raises(InputError) as err:
        workbook.read_workbook(RawFile("bombe.xlsx", range_bomb("XFD1048576")), "xlsx")
    assert "Fichier « bombe.xlsx »" in str(err.value) and "mémoire autorisée" in str(err.value)


def test_reader_errors_come_back_as_they_are_and_the_worker_stays():
    with pytest.raises(InputError, match="protégé par un mot de passe"):
        isolation.run_isolated("read_sheet", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le"),
                               "secret.xlsx", "ole")


@pytest.fixture
def one_second_workers(monkeypatch):
    """Workers started with a CPU budget of one second per task."""
    isolation.stop_idle_workers()
    monkeypatch.setattr(isolation, "CPU_SECONDS", 1)
    yield
    isolation.stop_idle_workers()  # the next tests get workers with the usual budget


def _idle_worker_cpu_seconds() -> float:
    worker = isolation._idle.get_nowait()
    isolation._idle.put(worker)
    fields = open(f"/proc/{worker.process.pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def test_the_cpu_budget_is_per_task_not_per_worker_life(real_paths, one_second_workers):
    # A warm worker lives for days: tasks that together use more CPU than one task's budget all succeed.
    data = real_paths[2].read_bytes()
    used = 0.0
    for _ in range(500):
        assert isolation.run_isolated("read_sheet", data, "web.xlsx", "xlsx").n_rows == 1513
        used = _idle_worker_cpu_seconds()
        if used > 1.5:
            break
    assert used > 1.5  # one worker did one and a half budgets' worth of work


def test_the_report_does_not_wait_for_a_busy_worker(monkeypatch):
    monkeypatch.setattr(isolation, "_slots", threading.BoundedSemaphore(1))
    isolation._slots.acquire()  # every worker taken, as by other users' workbooks
    with pytest.raises(isolation.WorkerFailure) as failure:
        isolation.run_isolated("write_report", None, wait=False)
    assert failure.value.reason == "busy"
