"""DuckDB for the runs: one in-memory database per process with no file or network access, and a
connection (cursor) of its own for each run and each thread of a run; frames in and out as pandas/Arrow."""
from __future__ import annotations

import threading

import duckdb
import pandas as pd
import pyarrow as pa

_lock = threading.Lock()
# Text stays in Arrow memory (pandas' own string dtype) instead of becoming millions of Python objects.
TEXT_TYPES = {pa.string(): pd.StringDtype("pyarrow", na_value=float("nan")),
              pa.large_string(): pd.StringDtype("pyarrow", na_value=float("nan"))}
_database: duckdb.DuckDBPyConnection | None = None


def _shared_database() -> duckdb.DuckDBPyConnection:
    global _database
    with _lock:
        if _database is None:
            database = duckdb.connect(":memory:", config={"threads": 2})
            database.execute("SET enable_external_access = false")
            database.execute("SET lock_configuration = true")
            _database = database
        return _database


def connect() -> duckdb.DuckDBPyConnection:
    """A fresh connection for one run, unable to read or write any file (cheap: a cursor on the process's
    in-memory database; frames registered on it are visible to it alone)."""
    database = _shared_database()
    with _lock:
        return database.cursor()


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """A frame's columns as an Arrow table, missing values (NaN included) as nulls; a tenth of the cost of
    pa.Table.from_pandas, which also converts the index and writes pandas metadata nobody reads here."""
    return pa.table({str(name): pa.array(frame[name], from_pandas=True) for name in frame.columns})


def query(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None,
          **frames: pd.DataFrame) -> pa.Table:
    """Run one named query with its values as parameters, over frames registered under their keyword names;
    the result stays in Arrow, for the caller to pick rows from before any conversion to pandas."""
    for name, frame in frames.items():
        con.register(name, arrow_table(frame))
    try:
        return con.sql(sql, params=params).to_arrow_table() if params else con.sql(sql).to_arrow_table()
    finally:
        for name in frames:
            con.unregister(name)


def to_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as a frame, text kept in Arrow memory."""
    return table.to_pandas(types_mapper=TEXT_TYPES.get)
