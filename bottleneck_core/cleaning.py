"""Cleaning each export: rows with no key and duplicates removed, conflicting duplicates reported."""
from __future__ import annotations

import duckdb
import pandas as pd

from .engine import query
from .step import StepResult, split_flagged

NO_PRODUCT_ID = "product_id manquant"
NO_SKU = "sku manquant"
DUPLICATE = "doublon exact"
CONFLICTING_DUPLICATE = "doublon en conflit (première ligne gardée)"
WEB_DUPLICATE = "doublon de sku (ligne product/attachment)"
WEB_CONFLICT = "doublon de sku en conflit sur total_sales (la valeur la plus grande est gardée)"
KEY_REASONS = {"missing": NO_PRODUCT_ID, "conflict": CONFLICTING_DUPLICATE, "duplicate": DUPLICATE}

# ERP: one row per product_id; the first row is kept, the others are exact or conflicting duplicates.
CLEAN_ERP_SQL = """
SELECT *,
  CASE
    WHEN product_id IS NULL THEN $missing
    WHEN row_number() OVER same_id > 1 AND variants > 1 THEN $conflict
    WHEN row_number() OVER same_id > 1 THEN $duplicate
  END AS motif
FROM (
  SELECT *, count(DISTINCT (price, stock_quantity, onsale_web, stock_status))
              OVER (PARTITION BY product_id) AS variants
  FROM erp
)
WINDOW same_id AS (PARTITION BY product_id ORDER BY source_row)
ORDER BY source_row
"""

# LIAISON: one row per product_id; an empty id_web is kept here and reported by the merge.
CLEAN_LIAISON_SQL = """
SELECT *,
  CASE
    WHEN product_id IS NULL THEN $missing
    WHEN row_number() OVER same_id > 1 AND variants > 1 THEN $conflict
    WHEN row_number() OVER same_id > 1 THEN $duplicate
  END AS motif
FROM (
  SELECT *, count(DISTINCT coalesce(id_web, '')) OVER (PARTITION BY product_id) AS variants
  FROM liaison
)
WINDOW same_id AS (PARTITION BY product_id ORDER BY source_row)
ORDER BY source_row
"""

# WEB: rows with a sku, one per sku, keeping the largest total_sales (the product row on a tie).
CLEAN_WEB_SQL = """
SELECT *,
  CASE
    WHEN sku IS NULL THEN $missing
    WHEN row_number() OVER best_first > 1 AND sales_variants > 1 THEN $conflict
    WHEN row_number() OVER best_first > 1 THEN $duplicate
  END AS motif
FROM (
  SELECT *, count(DISTINCT total_sales) OVER (PARTITION BY sku) AS sales_variants
  FROM web
)
WINDOW best_first AS (PARTITION BY sku ORDER BY total_sales DESC NULLS LAST,
                      post_type = 'product' DESC NULLS LAST, source_row)
ORDER BY source_row
"""


def clean_erp(con: duckdb.DuckDBPyConnection, erp: pd.DataFrame) -> StepResult:
    """ERP with one row per product_id: rows with no product_id and duplicates removed."""
    flagged = query(con, CLEAN_ERP_SQL, KEY_REASONS, erp=erp).drop(columns=["variants"])
    return split_flagged("clean_erp", "Nettoyage ERP", flagged)


def clean_liaison(con: duckdb.DuckDBPyConnection, liaison: pd.DataFrame) -> StepResult:
    """LIAISON with one row per product_id: rows with no product_id and duplicates removed."""
    flagged = query(con, CLEAN_LIAISON_SQL, KEY_REASONS, liaison=liaison).drop(columns=["variants"])
    return split_flagged("clean_liaison", "Nettoyage LIAISON", flagged)


def clean_web(con: duckdb.DuckDBPyConnection, web: pd.DataFrame) -> tuple[StepResult, StepResult]:
    """WEB without rows lacking a sku, then one row per sku keeping the largest total_sales."""
    reasons = {"missing": NO_SKU, "conflict": WEB_CONFLICT, "duplicate": WEB_DUPLICATE}
    flagged = query(con, CLEAN_WEB_SQL, reasons, web=web).drop(columns=["sales_variants"])
    no_sku = flagged["motif"] == NO_SKU
    with_sku = flagged.loc[~no_sku].copy()
    dropped = flagged.loc[no_sku].reset_index(drop=True)
    keys = with_sku.drop(columns=["motif"]).reset_index(drop=True)
    missing = StepResult("clean_web", "Nettoyage WEB (lignes sans sku)", len(flagged), keys, dropped)
    dedup = split_flagged("dedup_web", "Dédoublonnage WEB (un sku, une ligne)", with_sku.reset_index(drop=True))
    return missing, dedup


def conflicting_rows(step: StepResult, reason: str, key: str, source: pd.DataFrame) -> pd.DataFrame:
    """Every row of the source sharing a key with a row removed for `reason`: both sides of each conflict."""
    keys = step.removed.loc[step.removed["motif"] == reason, key]
    rows = source.loc[source[key].isin(keys)]
    return rows.sort_values([key, "source_row"]).reset_index(drop=True)
