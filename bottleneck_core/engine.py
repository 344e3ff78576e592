"""DuckDB for the runs: in-memory databases with no file or network access, and a connection (cursor) of its
own for each stage and each thread of a run; frames in as pandas, results out as Arrow."""
from __future__ import annotations

import threading

import duckdb
import pandas as pd
import pyarrow as pa

THREADS = 2
# Below this many input rows a query runs on one thread: on a month of a few thousand rows, handing work
# between DuckDB's threads costs more than it saves (measured on the real exports: 3 to 9 ms a run).
SERIAL_BELOW_ROWS = 20_000

_lock = threading.Lock()
# Text stays in Arrow memory (pandas' own string dtype) instead of becoming millions of Python objects.
TEXT_TYPES = {pa.string(): pd.StringDtype("pyarrow", na_value=float("nan")),
              pa.large_string(): pd.StringDtype("pyarrow", na_value=float("nan"))}
_databases: dict[int, duckdb.DuckDBPyConnection] = {}


def _shared_database(threads: int) -> duckdb.DuckDBPyConnection:
    with _lock:
        database = _databases.get(threads)
        if database is None:
            database = duckdb.connect(":memory:", config={"threads": threads})
            database.execute("SET enable_external_access = false")
            database.execute("SET lock_configuration = true")
            _databases[threads] = database
        return database


def connect(rows: int | None = None) -> duckdb.DuckDBPyConnection:
    """A fresh connection, unable to read or write any file (cheap: a cursor on one of the process's in-memory
    databases; frames registered on it are visible to it alone). Given the number of rows its queries will
    read, a small job gets a single-threaded database."""
    threads = 1 if rows is not None and rows < SERIAL_BELOW_ROWS else THREADS
    database = _shared_database(threads)
    with _lock:
        return database.cursor()


def arrow_table(frame: pd.DataFrame, columns: list[str] | None = None) -> pa.Table:
    """A frame's columns (all, or those named) as an Arrow table, missing values (NaN included) as nulls; a
    tenth of the cost of pa.Table.from_pandas, which also converts the index and writes pandas metadata
    nobody reads here, and no intermediate frame for a subset of the columns."""
    return pa.table({str(name): pa.array(frame[name], from_pandas=True)
                     for name in (frame.columns if columns is None else columns)})


def query(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None,
          **frames: pd.DataFrame | tuple[pd.DataFrame, list[str]]) -> pa.Table:
    """Run one named query with its values as parameters, over frames (or (frame, the columns the query
    reads)) registered under their keyword names; the result stays in Arrow, for the caller to pick rows
    from before any conversion to pandas."""
    for name, frame in frames.items():
        con.register(name, arrow_table(*frame) if isinstance(frame, tuple) else arrow_table(frame))
    try:
        return con.sql(sql, params=params).to_arrow_table() if params else con.sql(sql).to_arrow_table()
    finally:
        for name in frames:
            con.unregister(name)


def to_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as a frame, text kept in Arrow memory."""
    return table.to_pandas(types_mapper=TEXT_TYPES.get)
