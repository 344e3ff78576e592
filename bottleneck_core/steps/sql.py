"""DuckDB for the run: a connection of its own that can read no file; frames in and results out as Arrow."""
from __future__ import annotations

from functools import cache

import duckdb
import pandas as pd
import pyarrow as pa

# Text stays in Arrow memory (pandas' own string dtype) instead of becoming millions of Python objects.
TEXT_TYPES = {pa.string(): pd.StringDtype("pyarrow", na_value=float("nan")),
              pa.large_string(): pd.StringDtype("pyarrow", na_value=float("nan"))}


@cache
def _database() -> duckdb.DuckDBPyConnection:
    """The process's in-memory database: no file or network access, settings locked (creating one costs 13 ms,
    more than a month's queries)."""
    database = duckdb.connect(":memory:")
    database.execute("SET enable_external_access = false")
    database.execute("SET lock_configuration = true")
    return database


def connect() -> duckdb.DuckDBPyConnection:
    """The run's own connection to that database: what it registers is seen by no other run."""
    return _database().cursor()


def arrow_table(frame: pd.DataFrame, columns: list[str]) -> pa.Table:
    """The named columns of a frame as an Arrow table, missing values (NaN included) as nulls."""
    return pa.table({name: pa.array(frame[name], from_pandas=True) for name in columns})


def query(con: duckdb.DuckDBPyConnection, sql: str, params: dict,
          **frames: tuple[pd.DataFrame, list[str]]) -> pa.Table:
    """One named query over frames registered under their keyword names (with the columns it reads), its values
    passed as parameters; the result stays in Arrow for the caller to pick rows from."""
    for name, (frame, columns) in frames.items():
        con.register(name, arrow_table(frame, columns))
    try:
        return con.sql(sql, params=params).to_arrow_table()
    finally:
        for name in frames:
            con.unregister(name)


def to_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as a frame, text kept in Arrow memory."""
    return table.to_pandas(types_mapper=TEXT_TYPES.get)
