"""Files are parsed in a process of their own that limits itself: whatever the parser does, the app gets one French
error about that file, and reads JSON back, never an object."""
from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time

import pytest

from bottleneck_core.errors import InputError
from bottleneck_core.io import sandbox
from bottleneck_core.io.contracts import USED_COLUMNS
from bottleneck_core.io.files import RawFile
from conftest import REPO


def test_a_workbook_is_parsed_in_another_process_and_comes_back_as_plain_data(real_paths):
    parse = sandbox.start_parse(RawFile("web.xlsx", real_paths[2].read_bytes()), "xlsx", USED_COLUMNS)
    assert parse.process.pid != 0
    sheet = sandbox.finish_parse(parse)
    assert len(sheet["rows"]) == 1513 and sheet["rows"][0] == 2 and len(sheet["headers"]) == 28
    assert set(sheet["columns"]) == {"sku", "total_sales", "post_title", "post_type"}  # values of used columns only
    assert all(isinstance(v, (str, float, int, type(None))) for v in sheet["columns"]["sku"])


def test_the_parsing_process_sets_its_own_limits_cpu_below_wall_clock():
    code = ("from bottleneck_core.io.child import limit_self; limit_self(512, 7); import resource; "
            "print(resource.getrlimit(resource.RLIMIT_CPU), resource.getrlimit(resource.RLIMIT_AS))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"(7, 8) ({512 * 2**20}, {512 * 2**20})"
    assert sandbox.CPU_SECONDS < sandbox.WALL_SECONDS  # the CPU limit acts first on a busy parser


def test_a_parser_out_of_memory_is_one_french_error_about_its_file(monkeypatch):
    monkeypatch.setattr(sandbox, "MEMORY_MB", 60)  # 18 MB of short rows swell to far more as parsed values
    data = b"sku;total_sales;post_title\n" + b"1;2;x\n" * (3 * 2**20)
    with pytest.raises(InputError) as err:
        sandbox.parse_file(RawFile("gros.csv", data), "csv", USED_COLUMNS)
    assert str(err.value).startswith("Fichier « gros.csv » : la lecture de ce fichier a épuisé la mémoire")


def test_a_parser_past_its_wall_clock_limit_is_stopped_and_the_next_file_is_read(real_paths, monkeypatch):
    data = RawFile("web.xlsx", real_paths[2].read_bytes())
    monkeypatch.setattr(sandbox, "WALL_SECONDS", 0.0)
    with pytest.raises(InputError, match="a dépassé le temps de lecture autorisé"):
        sandbox.parse_file(data, "xlsx", USED_COLUMNS)
    monkeypatch.undo()
    assert len(sandbox.parse_file(data, "xlsx", USED_COLUMNS)["rows"]) == 1513


def _parse_of(command: str, answer: bytes = b"") -> sandbox.Parse:
    output = tempfile.TemporaryFile()
    output.write(answer)
    process = subprocess.Popen([sys.executable, "-c", command])
    return sandbox.Parse(RawFile("f.xlsx", b""), process, output, time.monotonic() + 60)


@pytest.mark.parametrize("pidfd", [True, False], ids=["pidfd", "polling"])
def test_the_wait_for_a_parser_gives_its_exit_code_or_stops_it_at_the_deadline(pidfd, monkeypatch):
    if not pidfd:  # another system: the polling wait, same outcomes
        monkeypatch.delattr(sandbox.os, "pidfd_open", raising=False)
    exiting = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    assert sandbox._exit_code(exiting, time.monotonic() + 60) == 3
    sleeping = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    assert sandbox._exit_code(sleeping, time.monotonic() + 0.5) == -signal.SIGXCPU
    assert sleeping.returncode == -signal.SIGKILL  # killed and reaped, not left running


def test_a_parser_stopped_by_its_cpu_limit_reads_as_a_time_limit():
    with pytest.raises(InputError, match="a dépassé le temps de lecture autorisé"):
        sandbox.finish_parse(_parse_of(f"import os; os.kill(os.getpid(), {int(signal.SIGXCPU)})"))


@pytest.mark.parametrize("answer", [b"\x80\x04\x95 not json", b"[1, 2]", b'{"sheet": 1, "x": 2}'[:8]])
def test_an_answer_that_is_not_the_expected_json_is_an_error_never_an_object(answer):
    with pytest.raises(InputError, match="a échoué de façon inattendue"):
        sandbox.finish_parse(_parse_of("pass", answer))


def test_the_parsing_process_starts_without_pandas():
    code = ("import sys, bottleneck_core.io.child; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pandas', 'numpy', 'pyarrow', 'duckdb')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
