"""Where the history lives: a DuckDB file (the default, nothing to install) or a PostgreSQL database shared by a
team. Both run the same SQL (runs/schema.py); what differs between them is here: how to connect, how parameters
are written, how rows are inserted in bulk, and which errors mean "try again" or "cannot be used"."""
from __future__ import annotations

import os
import random
import re
import time
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit, urlunsplit

import pandas as pd

from ..formatting import number
from .schema import MIGRATIONS, READ_VERSION, SCHEMA_VERSION, SET_VERSION

LOCK_TIMEOUT = float(os.environ.get("BOTTLENECK_HISTORY_TIMEOUT", "60"))
CONNECT_TIMEOUT = int(os.environ.get("BOTTLENECK_HISTORY_CONNECT_TIMEOUT", "5"))
_PARAMETER = re.compile(r"%\((\w+)\)s")


_BEHIND = object()  # a store of an earlier schema version: migrate, then do the work


class HistoryError(Exception):
    """The history cannot be used (unreachable, refused, busy too long, damaged); the analysis itself is unaffected."""


class Retry(Exception):
    """Another writer holds the store or won a conflict: the unit of work is tried again."""


def redact(url: str) -> str:
    """A database URL as it may be shown: no password, ever."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit((parts.scheme, f"{user}{host}", parts.path, "", ""))


class Store:
    """A history store: units of work in transactions, migrated first, retried while another writer wins."""

    label: str

    def run(self, work: Callable, *, write: bool = True, timeout: float | None = None):
        """work(tx) in one transaction (the store migrated to the current schema first when writing); retried with
        backoff while another writer holds the store or wins a conflict."""
        timeout = LOCK_TIMEOUT if timeout is None else timeout
        deadline = time.monotonic() + timeout
        delay = 0.02
        while True:
            try:
                if write:  # the schema is checked in the work's own transaction; migrated first only when behind
                    done = self._transaction(lambda tx: work(tx) if tx.version() >= SCHEMA_VERSION else _BEHIND, True)
                    if done is not _BEHIND:
                        return done
                    self._migrate()
                return self._transaction(work, write)
            except Retry:
                if time.monotonic() + delay > deadline:
                    raise HistoryError(f"L'historique {self.label} est occupé par un autre traitement depuis plus de "
                                       f"{number(timeout, 0 if timeout >= 10 else 1)} s ; réessayez dans un "
                                       "instant.") from None
                time.sleep(delay * (1 + random.random()))
                delay = min(delay * 2, 1.0)

    def _migrate(self) -> None:
        while self._transaction(lambda tx: tx.migrate_pending(), True, migrating=True):
            pass

    def _transaction(self, work: Callable, write: bool, migrating: bool = False):
        raise NotImplementedError

    def exists(self) -> bool:
        return True


class Transaction:
    """One open transaction: SQL with %(name)s parameters, results as rows or frames."""

    def __init__(self, connection, execute: Callable, frame: Callable, insert: Callable):
        self.connection, self._execute, self._frame, self._insert = connection, execute, frame, insert

    def rows(self, sql: str, params: dict | None = None) -> list[tuple]:
        return self._execute(sql, params or {})

    def frame(self, sql: str, params: dict | None = None) -> pd.DataFrame:
        return self._frame(sql, params or {})

    def insert(self, table: str, run_id: int, frame: pd.DataFrame) -> None:
        if len(frame):
            self._insert(table, run_id, frame)

    def version(self) -> int:
        found = self.rows("SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'")
        return int(self.rows(READ_VERSION)[0][0]) if found[0][0] else 0

    def migrate_pending(self) -> bool:
        """A new store's whole schema at once (one connection, not two per version); an existing store's next
        migration only, each in its own transaction (DuckDB indexes no row updated in the same one). True while
        migrations remain."""
        new = self.version() == 0
        while (version := self.version()) < SCHEMA_VERSION:
            self.migrate_one(version)
            if not new:
                break
        return self.version() < SCHEMA_VERSION

    def migrate_one(self, version: int) -> None:
        """The next migration, unless another writer applied it meanwhile (the version is read again here)."""
        if self.version() != version:
            return
        for statement in MIGRATIONS[version]:
            self.rows(statement)
        self.rows(SET_VERSION, {"version": version + 1})


class DuckDBStore(Store):
    """A DuckDB file: one writer process at a time, the others wait their turn."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.label = str(self.path)

    def exists(self) -> bool:
        return self.path.exists()

    def _transaction(self, work: Callable, write: bool, migrating: bool = False):
        import duckdb

        try:
            if write:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            con = duckdb.connect(str(self.path), read_only=not write)
        except duckdb.Error as error:
            raise self._problem(error) from None
        try:
            con.execute("BEGIN TRANSACTION")
            tx = Transaction(con, lambda sql, p: con.execute(*_dollars(sql, p)).fetchall(),
                             lambda sql, p: con.execute(*_dollars(sql, p)).df(),
                             lambda table, run_id, frame: _duckdb_insert(con, table, run_id, frame))
            value = work(tx)
            con.execute("COMMIT")
            return value
        except duckdb.Error as error:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass  # a failed COMMIT has already rolled back
            raise self._problem(error) from None
        finally:
            con.close()

    def _problem(self, error: Exception) -> Exception:
        import duckdb

        text = str(error).lower()
        if isinstance(error, (duckdb.IOException, duckdb.TransactionException, duckdb.ConnectionException,
                              duckdb.ConstraintException, duckdb.CatalogException)) and any(
                sign in text for sign in ("lock", "conflict", "being used by another process",
                                          "different configuration", "already exists", "duplicate key")):
            return Retry()
        return HistoryError(f"L'historique {self.label} est illisible ou endommagé : sauvegardez-le puis déplacez-le ; "
                            "un nouvel historique sera créé au prochain enregistrement.")


def _dollars(sql: str, params: dict) -> tuple[str, dict]:
    """SQL written for psycopg as DuckDB reads it, with the parameters it names only (DuckDB refuses any other,
    where psycopg ignores them)."""
    named = set(_PARAMETER.findall(sql))
    return _PARAMETER.sub(r"$\1", sql), {k: v for k, v in params.items() if k in named}


def _duckdb_insert(con, table: str, run_id: int, frame: pd.DataFrame) -> None:
    con.register("new_rows", frame)
    try:
        con.execute(f"INSERT INTO {table} SELECT $run_id, * FROM new_rows", {"run_id": run_id})
    finally:
        con.unregister("new_rows")


class PostgresStore(Store):
    """A PostgreSQL database: several app servers and the scheduled run write at once, each write serialisable."""

    def __init__(self, url: str):
        self.url = url
        self.label = redact(url)

    def _transaction(self, work: Callable, write: bool, migrating: bool = False):
        import psycopg
        from psycopg import errors

        try:
            con = psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT, application_name="bottleneck")
        except psycopg.Error as error:
            raise self._unreachable(error) from None
        try:
            with con:
                # Writes are serialisable; a migration reads committed rows, so that after waiting for the lock
                # below it sees the version another writer has just reached.
                con.isolation_level = (psycopg.IsolationLevel.SERIALIZABLE if write and not migrating else
                                       psycopg.IsolationLevel.READ_COMMITTED)
                with con.transaction():
                    if migrating:  # one migrating writer at a time; the others find the new version
                        con.execute("SELECT pg_advisory_xact_lock(hashtext('bottleneck history'))")
                    tx = Transaction(con, lambda sql, p: _pg_rows(con, sql, p), lambda sql, p: _pg_frame(con, sql, p),
                                     lambda table, run_id, frame: _pg_insert(con, table, run_id, frame))
                    return work(tx)
        except (errors.SerializationFailure, errors.DeadlockDetected, errors.UniqueViolation, errors.DuplicateTable,
                errors.DuplicateObject, errors.DuplicateColumn, errors.LockNotAvailable):
            raise Retry() from None
        except psycopg.OperationalError as error:
            raise self._unreachable(error) from None
        except psycopg.Error as error:
            raise HistoryError(f"L'historique {self.label} a refusé l'enregistrement ({type(error).__name__}) : "
                               "vérifiez que la base est bien celle de BottleNeck.") from None

    def _unreachable(self, error: Exception) -> HistoryError:
        state = getattr(error, "sqlstate", None) or ""
        text = str(error).lower()
        if state.startswith("28") or "password" in text or "authentication" in text:
            why = "les identifiants sont refusés"
        elif state == "3D000" or "does not exist" in text:
            why = "la base indiquée n'existe pas"
        else:
            why = "le serveur est injoignable"
        return HistoryError(f"L'historique {self.label} ne peut pas être utilisé : {why}. L'analyse et ses livrables "
                            "ne sont pas concernés ; vérifiez l'adresse, le serveur et le mot de passe.")


def _pg_rows(con, sql: str, params: dict) -> list[tuple]:
    cursor = con.execute(sql, params or None)
    return cursor.fetchall() if cursor.description else []


def _pg_frame(con, sql: str, params: dict) -> pd.DataFrame:
    cursor = con.execute(sql, params or None)
    return pd.DataFrame(cursor.fetchall(), columns=[c.name for c in cursor.description])


def _pg_insert(con, table: str, run_id: int, frame: pd.DataFrame) -> None:
    columns = ", ".join(["run_id", *frame.columns])
    with con.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False):
            copy.write_row((run_id, *row))


def open_store(location: str | os.PathLike) -> Store:
    """The store at a DuckDB file path or a postgresql:// URL."""
    text = str(location)
    if text.startswith(("postgresql://", "postgres://")):
        return PostgresStore(text)
    return DuckDBStore(text)
