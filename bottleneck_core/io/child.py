"""The parsing process: `python -m bottleneck_core.io.child MEMORY_MB CPU_SECONDS` reads one request on stdin
(a JSON line, then the file's bytes), parses the untrusted file under the limits it sets on itself first, and
writes one JSON document on stdout: the parsed sheet, or the French error. Nothing but JSON leaves it."""
from __future__ import annotations

import io
import json
import os
import resource
import sys

from ..errors import InputError
from .cells import Sheet, plain_column
from .textfile import read_csv
from .workbook import read_workbook

MEMORY_ERROR_EXIT = 3


def limit_self(memory_mb: int, cpu_seconds: int) -> None:
    """Address space and CPU time for this process alone, set before any byte of the file is read."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20, memory_mb * 2**20))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))


def read_parquet(data: bytes, file_name: str, fmt: str, wanted: frozenset[str]) -> Sheet:
    """A Parquet file's columns as plain values (pyarrow loads only for Parquet)."""
    import pyarrow.parquet as pq

    from .cells import fold_header

    try:
        table = pq.read_table(io.BytesIO(data), use_threads=False)
    except Exception:
        raise InputError("ce fichier Parquet est illisible ou corrompu.", file=file_name,
                         hint="Exportez-le de nouveau ou déposez la version .xlsx.") from None
    headers = [str(name) for name in table.column_names]
    sample = table.slice(0, 500)
    return {"headers": headers, "sheet": None, "notes": [], "rows": list(range(2, table.num_rows + 2)),
            "columns": {h: plain_column(table.column(i).to_pylist()) for i, h in enumerate(headers)
                        if fold_header(h) in wanted},
            "samples": {h: [v for v in plain_column(sample.column(i).to_pylist()) if v is not None][:20]
                        for i, h in enumerate(headers)}}


READERS = {"xlsx": read_workbook, "xls": read_workbook, "csv": read_csv, "parquet": read_parquet}


def parse(request: dict, data: bytes) -> dict:
    """One file parsed: {"sheet": …} or {"error": …} with the InputError's parts."""
    name, fmt = request["name"], request["format"]
    try:
        return {"sheet": READERS[fmt](data, name, fmt, frozenset(request["wanted"]))}
    except InputError as error:
        return {"error": {"message": error.detail, "file": error.file, "column": error.column, "rows": error.rows,
                          "hint": error.hint}}


def main() -> None:
    limit_self(int(sys.argv[1]), int(sys.argv[2]))
    stream = sys.stdin.buffer
    request = json.loads(stream.readline())
    try:
        answer = parse(request, stream.read())
        sys.stdout.buffer.write(json.dumps(answer).encode("ascii"))
        sys.stdout.flush()
    except MemoryError:
        os._exit(MEMORY_ERROR_EXIT)
    # The answer is out: leave without tearing the interpreter down (pyarrow's threads can abort a limited
    # process at exit, which would turn a good answer into a failure).
    os._exit(0)


if __name__ == "__main__":
    main()
