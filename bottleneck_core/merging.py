"""The fusion: ERP, LIAISON and WEB inner-joined on product_id and id_web = sku (in DuckDB), the merged
products carrying their revenue and price z-score."""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .engine import query, to_frame
from .errors import InputError
from .premium import PriceStats
from .revenue import revenue_order, revenue_total
from .step import StepResult

NOT_IN_LIAISON = "absent de la LIAISON"
NO_ID_WEB = "id_web manquant dans la LIAISON"
NOT_ON_WEB = "id_web absent de l'export WEB"
WEB_ONLY = "produit du site sans produit ERP"

# The fusion: every cleaned ERP product with its WEB match or the reason it has none, and the WEB rows no
# product reaches, with the columns the later steps need. No ORDER BY and no window here: at a million rows
# they would carry every column through a sort; the order and the statistics are computed on arrays after.
FUSION_SQL = """
SELECT e.product_id, w.sku, w.post_title AS name, e.price, w.total_sales, e.stock_quantity, e.stock_status,
       e.onsale_web, w.post_type, e.source_row AS erp_row, w.source_row AS web_row, l.id_web,
       CASE
         WHEN e.source_row IS NULL THEN $web_only
         WHEN l.product_id IS NULL THEN $not_in_liaison
         WHEN l.id_web IS NULL THEN $no_id_web
         WHEN w.sku IS NULL THEN $not_on_web
       END AS motif
FROM erp e
LEFT JOIN liaison l ON l.product_id = e.product_id
FULL JOIN web w ON w.sku = l.id_web AND e.product_id IS NOT NULL
"""

MERGED_COLUMNS = ["product_id", "sku", "name", "price", "total_sales", "stock_quantity", "stock_status",
                  "onsale_web", "post_type", "erp_row", "web_row"]


def refuse_shared_id_web(liaison: pd.DataFrame, file_name: str) -> None:
    """Refuse a LIAISON where several products share an id_web: the join would multiply rows."""
    linked = liaison.loc[liaison["id_web"].notna()]
    shared = linked.loc[linked["id_web"].duplicated(keep=False)].sort_values("source_row")
    if shared.empty:
        return
    groups = shared.groupby("id_web", sort=False)["product_id"].apply(list)
    keys = ", ".join(f"« {k} » (produits {', '.join(map(str, ids))})" for k, ids in groups.head(5).items())
    raise InputError(f"plusieurs produits pointent vers le même id_web : {keys}. La fusion multiplierait "
                     "les lignes, elle est refusée.", file=file_name, column="id_web",
                     rows=shared["source_row"].astype(int).tolist(),
                     hint="Corrigez la table de liaison pour qu'un id_web ne désigne qu'un produit.")


@dataclass(frozen=True)
class Fusion:
    """What the fusion gives: the merge step, the WEB rows left unmatched, and the merged products scored
    (revenue and price z-score, largest revenue first) with their revenue total and price statistics."""

    step: StepResult
    unmatched_web: pd.DataFrame
    products: pd.DataFrame
    revenue_total: float
    price_stats: PriceStats


def merge_sources(con: duckdb.DuckDBPyConnection, erp: pd.DataFrame, liaison: pd.DataFrame,
                  web: pd.DataFrame) -> Fusion:
    """The inner join of the three cleaned exports (largest revenue first), the ERP products left out with
    their reason, the WEB rows unmatched, and each merged product's revenue and price z-score."""
    reasons = {"not_in_liaison": NOT_IN_LIAISON, "no_id_web": NO_ID_WEB, "not_on_web": NOT_ON_WEB,
               "web_only": WEB_ONLY}
    joined = query(con, FUSION_SQL, reasons,
                   erp=(erp, ["product_id", "price", "stock_quantity", "stock_status", "onsale_web", "source_row"]),
                   liaison=(liaison, ["product_id", "id_web", "source_row"]),
                   web=(web, ["sku", "post_title", "total_sales", "post_type", "source_row"]))
    # The rows are picked in Arrow, and each part becomes a frame once: cheaper than selecting in pandas.
    motif = joined["motif"]
    matched = np.flatnonzero(pc.is_null(motif).to_numpy())
    revenue, order = revenue_order(*(_floats(joined[c])[matched] for c in ("price", "total_sales", "erp_row")))
    # One copy of the merged rows, largest revenue first; the merge step's output shares its data.
    products = to_frame(_row_numbers(joined.take(matched[order]).select(MERGED_COLUMNS), "erp_row", "web_row"))
    output = products.copy(deep=False)
    stats = PriceStats.of(products["price"].to_numpy("float64"))
    products["revenue"] = revenue[order]
    products["price_zscore"] = stats.zscores(products["price"].to_numpy("float64"))
    web_only = pc.fill_null(pc.equal(motif, WEB_ONLY), False)
    erp_side = pc.and_(pc.is_valid(motif), pc.invert(web_only))
    removed = joined.filter(erp_side).select(["product_id", "id_web", "price", "stock_quantity", "stock_status",
                                              "onsale_web", "erp_row", "motif"])
    removed = to_frame(_row_numbers(removed.sort_by("erp_row"), "erp_row"))
    unmatched = joined.filter(web_only).select(["web_row", "sku", "total_sales", "name", "post_type"])
    unmatched = unmatched.sort_by("web_row").rename_columns(["source_row", "sku", "total_sales", "post_title",
                                                             "post_type"])
    unmatched_web = to_frame(_row_numbers(unmatched, "source_row"))
    step = StepResult("merge", "Fusion ERP – LIAISON – WEB", len(erp), output, removed)
    return Fusion(step, unmatched_web, products, revenue_total(revenue), stats)


def _row_numbers(table: pa.Table, *columns: str) -> pa.Table:
    """Source row numbers as integers (the full join gives them nulls elsewhere; none is null here)."""
    for name in columns:
        table = table.set_column(table.schema.get_field_index(name), name, pc.cast(table[name], pa.int64()))
    return table


def _floats(column: pa.ChunkedArray) -> np.ndarray:
    """A column as floats, NaN where null (whatever type DuckDB gave it, an all-null one included)."""
    return pc.cast(column, pa.float64()).to_numpy()
