"""The isolated worker's child process: reads requests on stdin, answers on stdout, until stdin closes.
It parses workbooks (untrusted input, under the parent's limits) and writes the xlsx report (on the
second core); neither needs pandas, so the worker starts fast."""
from __future__ import annotations

import pickle
import struct
import sys

from .report import write_report
from .sheets import read_sheet

TASKS = {"read_sheet": read_sheet, "write_report": write_report}
_HEADER = struct.Struct("!Q")


def _read_exact(stream, size: int) -> bytes | None:
    data = stream.read(size)
    return data if data and len(data) == size else None


def serve(source=sys.stdin.buffer, sink=sys.stdout.buffer) -> None:
    while True:
        header = _read_exact(source, _HEADER.size)
        if header is None:
            return
        name, args = pickle.loads(_read_exact(source, _HEADER.unpack(header)[0]))
        try:
            answer = ("ok", TASKS[name](*args))
        except Exception as exc:  # InputError and any other failure travel back as they are
            answer = ("error", exc)
        payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        sink.write(_HEADER.pack(len(payload)) + payload)
        sink.flush()


if __name__ == "__main__":
    serve()
