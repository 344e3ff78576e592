"""The history's schema and queries, written once for DuckDB and PostgreSQL (psycopg's %(name)s parameters; the
DuckDB store rewrites them as $name). Each migration takes the store from the previous version to its own."""
from __future__ import annotations

MIGRATIONS: list[list[str]] = [
    [  # version 1: runs with their figures, sources, checks and products
        "CREATE TABLE schema_version (version INTEGER NOT NULL)",
        "INSERT INTO schema_version VALUES (0)",
        "CREATE SEQUENCE run_ids START 1",
        """CREATE TABLE runs (
             run_id BIGINT PRIMARY KEY DEFAULT nextval('run_ids'), period VARCHAR NOT NULL,
             run_at TIMESTAMP NOT NULL, threshold DOUBLE PRECISION NOT NULL, revenue_total DOUBLE PRECISION,
             premium_count INTEGER, ordinary_count INTEGER, merged_rows INTEGER, checks_passed BOOLEAN,
             summary_json VARCHAR, config_json VARCHAR)""",
        "CREATE TABLE run_sources (run_id BIGINT, kind VARCHAR, name VARCHAR, size BIGINT, sha256 VARCHAR)",
        """CREATE TABLE run_checks (run_id BIGINT, check_id VARCHAR, step VARCHAR, severity VARCHAR,
             status VARCHAR, expected VARCHAR, actual VARCHAR, message VARCHAR)""",
        """CREATE TABLE run_products (run_id BIGINT, product_id VARCHAR, sku VARCHAR, name VARCHAR,
             price DOUBLE PRECISION, total_sales DOUBLE PRECISION, revenue DOUBLE PRECISION,
             price_zscore DOUBLE PRECISION, premium BOOLEAN)""",
    ],
    [  # version 2: a rerun supersedes the period's current run instead of standing beside it
        "ALTER TABLE runs ADD COLUMN superseded_at TIMESTAMP",
        "ALTER TABLE runs ADD COLUMN fingerprint VARCHAR",
        "ALTER TABLE runs ADD COLUMN checks_failed INTEGER",
        """UPDATE runs SET superseded_at = later.run_at FROM (
             SELECT run_id, lead(run_at) OVER (PARTITION BY period ORDER BY run_at, run_id) AS run_at FROM runs
           ) AS later WHERE later.run_id = runs.run_id AND later.run_at IS NOT NULL""",
        """UPDATE runs SET checks_failed = (SELECT count(*) FROM run_checks c WHERE c.run_id = runs.run_id
             AND c.status = 'failed' AND c.severity = 'error')""",
    ],
    [  # version 3: the current run of each period named by its period...
        "ALTER TABLE runs ADD COLUMN current_period VARCHAR",
        "UPDATE runs SET current_period = period WHERE superseded_at IS NULL",
    ],
    [  # version 4: ...and held unique by the database itself, so that two writers cannot both make theirs current
        # (an index of its own transaction: DuckDB builds no index over rows updated in the same one)
        "CREATE UNIQUE INDEX runs_one_current_per_period ON runs (current_period)",
        "CREATE INDEX run_products_by_run ON run_products (run_id)",
    ],
]
SCHEMA_VERSION = len(MIGRATIONS)
TABLES = ("schema_version", "runs", "run_sources", "run_checks", "run_products")

READ_VERSION = "SELECT max(version) FROM schema_version"
SET_VERSION = "UPDATE schema_version SET version = %(version)s"
CURRENT_RUNS = """
SELECT run_id, period, run_at, revenue_total, premium_count, ordinary_count, merged_rows, checks_passed,
       checks_failed, threshold,
       (SELECT count(*) FROM runs r2 WHERE r2.period = runs.period AND r2.superseded_at IS NOT NULL) AS superseded
FROM runs WHERE current_period IS NOT NULL ORDER BY period
"""
CURRENT_OF_PERIOD = "SELECT run_id, fingerprint FROM runs WHERE current_period = %(period)s"
SUPERSEDE = "UPDATE runs SET superseded_at = %(at)s, current_period = NULL WHERE current_period = %(period)s"
INSERT_RUN = """
INSERT INTO runs (period, run_at, threshold, revenue_total, premium_count, ordinary_count, merged_rows,
                  checks_passed, checks_failed, summary_json, config_json, fingerprint, superseded_at, current_period)
VALUES (%(period)s, %(run_at)s, %(threshold)s, %(revenue_total)s, %(premium_count)s, %(ordinary_count)s,
        %(merged_rows)s, %(checks_passed)s, %(checks_failed)s, %(summary_json)s, %(config_json)s, %(fingerprint)s,
        %(superseded_at)s, %(current_period)s)
RETURNING run_id
"""
PRODUCT_COLUMNS = ("product_id", "sku", "name", "price", "total_sales", "revenue", "price_zscore", "premium")
CHECK_COLUMNS = ("check_id", "step", "severity", "status", "expected", "actual", "message")
SOURCE_COLUMNS = ("kind", "name", "size", "sha256")
PRODUCTS_OF_PERIOD = f"""
SELECT {', '.join('p.' + c for c in PRODUCT_COLUMNS)} FROM run_products p JOIN runs r ON r.run_id = p.run_id
WHERE r.current_period = %(period)s ORDER BY p.revenue DESC NULLS LAST, p.product_id
"""
PREVIOUS_RUN = """
SELECT period, threshold, summary_json FROM runs WHERE current_period < %(period)s ORDER BY period DESC LIMIT 1
"""
PRODUCT_OVER_MONTHS = """
SELECT r.period, p.price, p.total_sales, p.revenue, p.price_zscore, p.premium, r.threshold
FROM run_products p JOIN runs r ON r.run_id = p.run_id
WHERE r.current_period IS NOT NULL AND p.product_id = %(product_id)s ORDER BY r.period
"""
ALL_RUNS = """
SELECT run_id, period, run_at, threshold, revenue_total, premium_count, ordinary_count, merged_rows, checks_passed,
       checks_failed, summary_json, config_json, fingerprint, superseded_at, current_period
FROM runs ORDER BY run_id
"""
RUN_EXISTS = """
SELECT run_id FROM runs WHERE period = %(period)s AND run_at = %(run_at)s AND fingerprint IS NOT DISTINCT FROM
%(fingerprint)s
"""
ROWS_OF_RUN = {table: f"SELECT {', '.join(columns)} FROM {table} WHERE run_id = %(run_id)s"
               for table, columns in (("run_sources", SOURCE_COLUMNS), ("run_checks", CHECK_COLUMNS),
                                      ("run_products", PRODUCT_COLUMNS))}
TABLE_COLUMNS = {"run_sources": SOURCE_COLUMNS, "run_checks": CHECK_COLUMNS, "run_products": PRODUCT_COLUMNS}
