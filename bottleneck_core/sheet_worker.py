"""The isolated worker's child process: reads requests on stdin, answers on stdout, until stdin closes.
It parses workbooks (untrusted input, under the parent's limits) and writes the xlsx report (on the
second core); neither needs pandas, so the worker starts fast."""
from __future__ import annotations

import math
import pickle
import resource
import struct
import sys

from .report import write_report
from .sheets import read_sheet

TASKS = {"read_sheet": read_sheet, "write_report": write_report}
_HEADER = struct.Struct("!Q")


def _read_exact(stream, size: int) -> bytes | None:
    data = stream.read(size)
    return data if data and len(data) == size else None


def _renew_cpu_budget(budget: int) -> None:
    """Give the next task its own CPU budget (the soft limit counts the process's whole life)."""
    if budget == resource.RLIM_INFINITY:
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    soft = math.ceil(usage.ru_utime + usage.ru_stime) + budget
    resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


def serve(source=sys.stdin.buffer, sink=sys.stdout.buffer) -> None:
    budget = resource.getrlimit(resource.RLIMIT_CPU)[0]
    while True:
        header = _read_exact(source, _HEADER.size)
        if header is None:
            return
        name, args = pickle.loads(_read_exact(source, _HEADER.unpack(header)[0]))
        _renew_cpu_budget(budget)
        try:
            answer = ("ok", TASKS[name](*args))
        except Exception as exc:  # InputError and any other failure travel back as they are
            answer = ("error", exc)
        payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        sink.write(_HEADER.pack(len(payload)) + payload)
        sink.flush()


if __name__ == "__main__":
    serve()
