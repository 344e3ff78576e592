"""Cleaning each export: rows with no key and duplicates removed, conflicting duplicates reported."""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .engine import query
from .step import StepResult, rows_where, split_flagged

NO_PRODUCT_ID = "product_id manquant"
NO_SKU = "sku manquant"
DUPLICATE = "doublon exact"
CONFLICTING_DUPLICATE = "doublon en conflit (première ligne gardée)"
WEB_DUPLICATE = "doublon de sku (ligne product/attachment)"
WEB_CONFLICT = "doublon de sku en conflit sur total_sales (la valeur la plus grande est gardée)"
KEY_REASONS = {"missing": NO_PRODUCT_ID, "conflict": CONFLICTING_DUPLICATE, "duplicate": DUPLICATE}

# ERP: one row per product_id; the first row is kept, the others are exact or conflicting duplicates.
CLEAN_ERP_SQL = """
WITH per_id AS (
  SELECT product_id, min(source_row) AS kept_row,
         count(DISTINCT (price, stock_quantity, onsale_web, stock_status)) AS variants
  FROM erp WHERE product_id IS NOT NULL GROUP BY product_id
)
SELECT e.source_row,
  CASE
    WHEN e.product_id IS NULL THEN $missing
    WHEN e.source_row = p.kept_row THEN NULL
    WHEN p.variants > 1 THEN $conflict
    ELSE $duplicate
  END AS motif
FROM erp e LEFT JOIN per_id p ON p.product_id = e.product_id
ORDER BY e.source_row
"""

# LIAISON: one row per product_id; an empty id_web is kept here and reported by the merge.
CLEAN_LIAISON_SQL = """
WITH per_id AS (
  SELECT product_id, min(source_row) AS kept_row, count(DISTINCT coalesce(id_web, '')) AS variants
  FROM liaison WHERE product_id IS NOT NULL GROUP BY product_id
)
SELECT l.source_row,
  CASE
    WHEN l.product_id IS NULL THEN $missing
    WHEN l.source_row = p.kept_row THEN NULL
    WHEN p.variants > 1 THEN $conflict
    ELSE $duplicate
  END AS motif
FROM liaison l LEFT JOIN per_id p ON p.product_id = l.product_id
ORDER BY l.source_row
"""

# WEB: rows with a sku, one per sku, keeping the largest total_sales (the product row on a tie).
CLEAN_WEB_SQL = """
WITH per_sku AS (
  SELECT sku, count(DISTINCT total_sales) AS sales_variants,
         arg_min(source_row, (-coalesce(total_sales, -1e300), post_type IS DISTINCT FROM 'product',
                              source_row)) AS kept_row
  FROM web WHERE sku IS NOT NULL GROUP BY sku
)
SELECT w.source_row,
  CASE
    WHEN w.sku IS NULL THEN $missing
    WHEN w.source_row = p.kept_row THEN NULL
    WHEN p.sales_variants > 1 THEN $conflict
    ELSE $duplicate
  END AS motif
FROM web w LEFT JOIN per_sku p ON p.sku = w.sku
ORDER BY w.source_row
"""


ERP_KEY_COLUMNS = ["product_id", "price", "stock_quantity", "onsale_web", "stock_status", "source_row"]
LIAISON_KEY_COLUMNS = ["product_id", "id_web", "source_row"]
WEB_KEY_COLUMNS = ["sku", "total_sales", "post_type", "source_row"]


def flag_rows(con: duckdb.DuckDBPyConnection, sql: str, reasons: dict, name: str, frame: pd.DataFrame,
              columns: list[str]) -> pa.ChunkedArray:
    """Row by row, the reason the query removes each row (null when kept).

    Only the columns the rule needs go through DuckDB, and only (source_row, motif) comes back.
    """
    motifs = query(con, sql, reasons, **{name: (frame, columns)})
    if not np.array_equal(motifs["source_row"].to_numpy(), frame["source_row"].to_numpy()):
        raise RuntimeError("cleaning query returned rows out of order")  # rows are read in source order
    return motifs["motif"]


def clean_erp(con: duckdb.DuckDBPyConnection, erp: pd.DataFrame) -> StepResult:
    """ERP with one row per product_id: rows with no product_id and duplicates removed."""
    reasons = flag_rows(con, CLEAN_ERP_SQL, KEY_REASONS, "erp", erp, ERP_KEY_COLUMNS)
    return split_flagged("clean_erp", "Nettoyage ERP", erp, reasons)


def clean_liaison(con: duckdb.DuckDBPyConnection, liaison: pd.DataFrame) -> StepResult:
    """LIAISON with one row per product_id: rows with no product_id and duplicates removed."""
    reasons = flag_rows(con, CLEAN_LIAISON_SQL, KEY_REASONS, "liaison", liaison, LIAISON_KEY_COLUMNS)
    return split_flagged("clean_liaison", "Nettoyage LIAISON", liaison, reasons)


def clean_web(con: duckdb.DuckDBPyConnection, web: pd.DataFrame) -> tuple[StepResult, StepResult]:
    """WEB without rows lacking a sku, then one row per sku keeping the largest total_sales."""
    labels = {"missing": NO_SKU, "conflict": WEB_CONFLICT, "duplicate": WEB_DUPLICATE}
    reasons = flag_rows(con, CLEAN_WEB_SQL, labels, "web", web, WEB_KEY_COLUMNS)
    no_sku = pc.fill_null(pc.equal(reasons, NO_SKU), False)
    missing = split_flagged("clean_web", "Nettoyage WEB (lignes sans sku)", web,
                            pc.if_else(no_sku, reasons, pa.scalar(None, reasons.type)))
    dedup = split_flagged("dedup_web", "Dédoublonnage WEB (un sku, une ligne)", missing.output,
                          reasons.filter(pc.invert(no_sku)))
    return missing, dedup


def conflicting_rows(step: StepResult, reason: str, key: str, source: pd.DataFrame) -> pd.DataFrame:
    """Every row of the source sharing a key with a row removed for `reason`: both sides of each conflict."""
    keys = rows_where(step.removed, step.removed["motif"] == reason)[key]
    if keys.empty:
        return source.iloc[0:0]
    rows = rows_where(source, source[key].isin(keys))
    # By key, then as read: sorted in Arrow, the few rows taken once.
    order = pc.sort_indices(pa.table({"key": pa.array(rows[key], from_pandas=True),
                                      "row": rows["source_row"].to_numpy()}),
                            sort_keys=[("key", "ascending"), ("row", "ascending")])
    return rows.take(order.to_numpy()).reset_index(drop=True)
