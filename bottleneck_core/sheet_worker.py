"""The workbook reader's child process: reads requests on stdin, answers on stdout, until stdin closes."""
from __future__ import annotations

import pickle
import struct
import sys

from .sheets import read_sheet

READERS = {"read_sheet": read_sheet}
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
            answer = ("ok", READERS[name](*args))
        except Exception as exc:  # InputError and any reader failure travel back as they are
            answer = ("error", exc)
        payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        sink.write(_HEADER.pack(len(payload)) + payload)
        sink.flush()


if __name__ == "__main__":
    serve()
