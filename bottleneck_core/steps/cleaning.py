"""Cleaning each export: rows with no key and duplicates removed, each with its reason; conflicting duplicates
(same key, other values) kept once and reported."""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from .lineage import StepResult, rows_where, split_flagged
from .sql import query

NO_PRODUCT_ID = "product_id manquant"
NO_SKU = "sku manquant"
DUPLICATE = "doublon exact"
CONFLICTING_DUPLICATE = "doublon en conflit (première ligne gardée)"
WEB_DUPLICATE = "doublon de sku (ligne produit / pièce jointe)"
WEB_CONFLICT = "doublon de sku en conflit sur total_sales (la valeur la plus grande est gardée)"


def _one_per_product_id(table: str, values: str) -> str:
    """One row per product_id: the first is kept, the others are exact duplicates or, when their `values` differ,
    conflicting ones; a row with no product_id is removed. (`table` and `values` are this module's constants.)"""
    return f"""
WITH per_id AS (
  SELECT product_id, min(source_row) AS kept_row, count(DISTINCT {values}) AS variants
  FROM {table} WHERE product_id IS NOT NULL GROUP BY product_id
)
SELECT t.source_row,
  CASE WHEN t.product_id IS NULL THEN $missing WHEN t.source_row = p.kept_row THEN NULL
       WHEN p.variants > 1 THEN $conflict ELSE $duplicate END AS motif
FROM {table} t LEFT JOIN per_id p ON p.product_id = t.product_id
ORDER BY t.source_row
"""


CLEAN_ERP_SQL = _one_per_product_id("erp", "(price, stock_quantity, onsale_web, stock_status)")
# An empty id_web is kept here and reported by the merge; against a filled one for the same product, a conflict.
CLEAN_LIAISON_SQL = _one_per_product_id("liaison", "coalesce(id_web, '')")

# One row per sku: the largest total_sales is kept (the product row on a tie, then the first).
DEDUP_WEB_SQL = """
WITH per_sku AS (
  SELECT sku, count(DISTINCT total_sales) AS sales_variants,
         arg_min(source_row, (-coalesce(total_sales, -1e300), post_type IS DISTINCT FROM 'product',
                              source_row)) AS kept_row
  FROM web GROUP BY sku
)
SELECT w.source_row,
  CASE WHEN w.source_row = p.kept_row THEN NULL WHEN p.sales_variants > 1 THEN $conflict
       ELSE $duplicate END AS motif
FROM web w JOIN per_sku p ON p.sku = w.sku
ORDER BY w.source_row
"""
KEY_REASONS = {"missing": NO_PRODUCT_ID, "conflict": CONFLICTING_DUPLICATE, "duplicate": DUPLICATE}


def _reasons(con: duckdb.DuckDBPyConnection, sql: str, reasons: dict, name: str, frame: pd.DataFrame,
             columns: list[str]) -> pa.ChunkedArray:
    """Row by row, the reason the rule removes each row (null when kept); only the columns the rule reads go
    through DuckDB, and only the reason comes back, in the order rows were read."""
    motifs = query(con, sql, reasons, **{name: (frame, columns)})
    if not np.array_equal(motifs["source_row"].to_numpy(), frame["source_row"].to_numpy()):
        raise RuntimeError("rows reach a cleaning step out of their file order")
    return motifs["motif"]


def clean_erp(con: duckdb.DuckDBPyConnection, erp: pd.DataFrame) -> StepResult:
    """ERP with one row per product_id: rows with no product_id and duplicates removed."""
    columns = ["product_id", "price", "stock_quantity", "onsale_web", "stock_status", "source_row"]
    return split_flagged("clean_erp", erp, _reasons(con, CLEAN_ERP_SQL, KEY_REASONS, "erp", erp, columns))


def clean_liaison(con: duckdb.DuckDBPyConnection, liaison: pd.DataFrame) -> StepResult:
    """LIAISON with one row per product_id: rows with no product_id and duplicates removed."""
    columns = ["product_id", "id_web", "source_row"]
    return split_flagged("clean_liaison", liaison,
                         _reasons(con, CLEAN_LIAISON_SQL, KEY_REASONS, "liaison", liaison, columns))


def clean_web(web: pd.DataFrame) -> StepResult:
    """WEB without the rows that have no sku (they cannot be linked to any product)."""
    missing = web["sku"].isna().to_numpy()
    return split_flagged("clean_web", web, pa.array(np.where(missing, NO_SKU, None), type=pa.string()))


def dedup_web(con: duckdb.DuckDBPyConnection, web: pd.DataFrame) -> StepResult:
    """One row per sku: the product and attachment rows of a wine become one, keeping the largest total_sales."""
    reasons = {"conflict": WEB_CONFLICT, "duplicate": WEB_DUPLICATE}
    return split_flagged("dedup_web", web, _reasons(con, DEDUP_WEB_SQL, reasons, "web", web,
                                                    ["sku", "total_sales", "post_type", "source_row"]))


def conflicting_rows(step: StepResult, reason: str, key: str, source: pd.DataFrame) -> pd.DataFrame:
    """Every row of the source sharing a key with a row removed for `reason`: both sides of each conflict, by key
    and then as read."""
    keys = rows_where(step.removed, step.removed["motif"] == reason)[key]
    if keys.empty:
        return source.iloc[0:0]
    return rows_where(source, source[key].isin(keys)).sort_values([key, "source_row"]).reset_index(drop=True)
