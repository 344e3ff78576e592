"""The run's DuckDB connection: in-memory, no file or network access, frames in and out through Arrow."""
from __future__ import annotations

import duckdb
import pandas as pd


def connect() -> duckdb.DuckDBPyConnection:
    """One in-memory connection for one run, unable to read or write any file."""
    con = duckdb.connect(":memory:", config={"threads": 2})
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def query(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None,
          **frames: pd.DataFrame) -> pd.DataFrame:
    """Run one named query with its values as parameters, over frames registered under their keyword names."""
    for name, frame in frames.items():
        con.register(name, frame)
    try:
        return con.sql(sql, params=params).df() if params else con.sql(sql).df()
    finally:
        for name in frames:
            con.unregister(name)
