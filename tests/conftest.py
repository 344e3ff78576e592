"""Shared fixtures: the real exports beside the repo, tiny hand-written frames, a DuckDB connection."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
REAL_DATA = Path(os.environ.get("BOTTLENECK_DATA", REPO.parent / "shared" / "data" / "bottleneck"))
REFERENCE_CONFIG = REPO / "config" / "test_config.yaml"
KINDS = ("erp", "liaison", "web")


@pytest.fixture(autouse=True)
def own_history(tmp_path_factory, monkeypatch):
    """Every test, and every CLI process it starts, records months in a history of its own, never in the
    checkout's data/history.duckdb (the default `run`, `history`, `compare` and the app share)."""
    monkeypatch.setenv("BOTTLENECK_HISTORY", str(tmp_path_factory.mktemp("historique") / "historique.duckdb"))


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The real exports; missing data fails the run loudly instead of skipping."""
    missing = [f for f in ("erp.xlsx", "liaison.xlsx", "web.xlsx") if not (REAL_DATA / f).exists()]
    if missing:
        pytest.fail(f"real exports missing in {REAL_DATA}: {missing} (set BOTTLENECK_DATA or put ../shared beside the repo)")
    return REAL_DATA


@pytest.fixture(scope="session")
def real_paths(real_data: Path) -> tuple[Path, Path, Path]:
    return real_data / "erp.xlsx", real_data / "liaison.xlsx", real_data / "web.xlsx"


@pytest.fixture(scope="session")
def real_result(real_paths):
    from bottleneck_core import run_pipeline
    return run_pipeline(*real_paths, config=REFERENCE_CONFIG, period="2026-10")


@pytest.fixture(scope="session")
def real_frames(real_paths) -> dict[str, pd.DataFrame]:
    """The real exports as pandas reads them (to build variants of them)."""
    return {kind: pd.read_excel(path, engine="calamine") for kind, path in zip(KINDS, real_paths)}


def xlsx(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


def csv_bytes(frame: pd.DataFrame, sep=";", decimal=",", encoding="utf-8") -> bytes:
    return frame.to_csv(sep=sep, decimal=decimal, index=False).encode(encoding)


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """A PostgreSQL server for the history tests: the one CI started (BOTTLENECK_TEST_POSTGRES_URL), else a throwaway
    cluster started here with .ci/postgres; never skipped."""
    import shutil
    import socket
    import subprocess

    url = os.environ.get("BOTTLENECK_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    if not shutil.which("pg_ctlcluster") and not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        pytest.fail("PostgreSQL is needed by the history tests: install Debian's postgresql package, or set "
                    "BOTTLENECK_TEST_POSTGRES_URL to a server you may create databases on (.ci/run does both)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    import uuid

    cluster = f"/tmp/bottleneck-postgres-{uuid.uuid4().hex[:8]}"  # where the postgres user can reach it
    started = subprocess.run([str(REPO / ".ci" / "postgres"), "start", cluster, str(port)], capture_output=True,
                             text=True)
    if started.returncode:
        pytest.fail(f"could not start PostgreSQL: {started.stderr}")
    yield started.stdout.strip()
    subprocess.run([str(REPO / ".ci" / "postgres"), "stop", cluster], capture_output=True)


@pytest.fixture
def postgres_database(postgres_server) -> str:
    """A new, empty database on the server for one test, dropped after it."""
    import uuid

    import psycopg

    name = f"historique_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield postgres_server.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(params=["duckdb", "postgresql"])
def history(request, tmp_path) -> str:
    """Where a history test keeps its history: a DuckDB file, then a PostgreSQL database."""
    if request.param == "duckdb":
        return str(tmp_path / "historique.duckdb")
    return request.getfixturevalue("postgres_database")


@pytest.fixture
def con():
    from bottleneck_core.steps.sql import connect

    connection = connect()
    yield connection
    connection.close()


@pytest.fixture
def month():
    """A month of n products at these prices, each linked to a WEB sku with these sales, run end to end."""
    from bottleneck_core import run_pipeline

    def run(prices, sales, **options):
        ids = [str(i) for i in range(len(prices))]
        erp = pd.DataFrame({"product_id": ids, "price": prices, "stock_quantity": [1.0] * len(ids)})
        liaison = pd.DataFrame({"product_id": ids, "id_web": [f"w{i}" for i in ids]})
        web = pd.DataFrame({"sku": [f"w{i}" for i in ids], "post_title": [f"Vin {i}" for i in ids],
                            "total_sales": sales, "post_type": ["product"] * len(ids)})
        return run_pipeline(erp, liaison, web, **options)
    return run


@pytest.fixture
def tiny_erp() -> pd.DataFrame:
    return pd.DataFrame({
        "product_id": [1, 2, 3, 4, 5],
        "onsale_web": [1, 1, 1, 1, 0],
        "price": [10.0, 20.0, 30.0, 40.0, -5.0],
        "stock_quantity": [5, 0, 3, 2, -1],
        "stock_status": ["instock", "outofstock", "instock", "instock", "outofstock"],
    })


@pytest.fixture
def tiny_liaison() -> pd.DataFrame:
    return pd.DataFrame({"product_id": [1, 2, 3, 4, 5], "id_web": [101, 102.0, "abc-1", None, 105]})


@pytest.fixture
def tiny_web() -> pd.DataFrame:
    return pd.DataFrame({
        "sku": ["101", 101, " 102 ", 102.0, "abc-1", "abc-1", None, 999],
        "total_sales": [3, 3, 7, 2, 1, 1, None, 4],
        "post_title": ["Vin A", "Vin A", "Vin B", "Vin B", "Vin C", "Vin C", None, "Orphelin"],
        "post_type": ["product", "attachment", "product", "attachment", "product", "attachment", None, "product"],
    })
