"""The fusion: ERP, LIAISON and WEB inner-joined on product_id and id_web = sku."""
from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import pandas as pd

from .engine import query
from .errors import InputError
from .premium import PriceStats
from .step import StepResult

NOT_IN_LIAISON = "absent de la LIAISON"
NO_ID_WEB = "id_web manquant dans la LIAISON"
NOT_ON_WEB = "id_web absent de l'export WEB"
WEB_ONLY = "produit du site sans produit ERP"

# The fusion in one query: every cleaned ERP product with its WEB match or the reason it has none, the WEB
# rows no product reaches, and, over the matched products only, each one's revenue (price × total_sales),
# their sum, and the price mean and population standard deviation behind the z-score. Matched products come
# first, largest revenue first; then the rows left out, in ERP then WEB order.
FUSION_SQL = """
WITH joined AS (
  SELECT e.product_id, w.sku, w.post_title AS name, e.price, w.total_sales, e.stock_quantity,
         e.stock_status, e.onsale_web, w.post_type, e.source_row AS erp_row, w.source_row AS web_row,
         l.id_web,
         CASE
           WHEN e.source_row IS NULL THEN $web_only
           WHEN l.product_id IS NULL THEN $not_in_liaison
           WHEN l.id_web IS NULL THEN $no_id_web
           WHEN w.sku IS NULL THEN $not_on_web
         END AS motif
  FROM erp e
  LEFT JOIN liaison l ON l.product_id = e.product_id
  FULL JOIN web w ON w.sku = l.id_web AND e.product_id IS NOT NULL
), scored AS (
  SELECT *, price * total_sales AS revenue,
         sum(price * total_sales) FILTER (WHERE motif IS NULL) OVER () AS revenue_sum,
         avg(price) FILTER (WHERE motif IS NULL) OVER () AS price_mean,
         stddev_pop(price) FILTER (WHERE motif IS NULL) OVER () AS price_std
  FROM joined
)
SELECT *, CASE WHEN motif IS NULL THEN (price - price_mean) / nullif(price_std, 0) END AS price_zscore
FROM scored
ORDER BY motif IS NOT NULL, revenue DESC NULLS LAST, erp_row NULLS LAST, web_row
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
    """What the fusion query gives: the merge step, the WEB rows left unmatched, and the merged products
    scored (revenue and price z-score, largest revenue first) with their revenue total and price statistics."""

    step: StepResult
    unmatched_web: pd.DataFrame
    products: pd.DataFrame
    revenue_total: float
    price_stats: PriceStats


def merge_sources(con: duckdb.DuckDBPyConnection, erp: pd.DataFrame, liaison: pd.DataFrame,
                  web: pd.DataFrame) -> Fusion:
    """The inner join of the three cleaned exports, the ERP products left out with their reason, the WEB
    rows unmatched, and each merged product's revenue and price z-score."""
    reasons = {"not_in_liaison": NOT_IN_LIAISON, "no_id_web": NO_ID_WEB, "not_on_web": NOT_ON_WEB,
               "web_only": WEB_ONLY}
    joined = query(con, FUSION_SQL, reasons,
                   erp=erp[["product_id", "price", "stock_quantity", "stock_status", "onsale_web", "source_row"]],
                   liaison=liaison[["product_id", "id_web", "source_row"]],
                   web=web[["sku", "post_title", "total_sales", "post_type", "source_row"]])
    motif = joined["motif"]
    matched = motif.isna().to_numpy()
    products = joined.loc[matched, MERGED_COLUMNS + ["revenue", "price_zscore"]].reset_index(drop=True)
    products[["erp_row", "web_row"]] = products[["erp_row", "web_row"]].astype("int64")
    output = products.drop(columns=["revenue", "price_zscore"]).sort_values("erp_row", ignore_index=True)
    left_out = joined.loc[~matched & (motif != WEB_ONLY).to_numpy()].sort_values("erp_row")
    removed = left_out[["product_id", "id_web", "price", "stock_quantity", "stock_status", "onsale_web",
                        "erp_row", "motif"]].reset_index(drop=True)
    removed["erp_row"] = removed["erp_row"].astype("int64")
    web_only = joined.loc[(motif == WEB_ONLY).to_numpy()].sort_values("web_row")
    unmatched_web = web_only[["web_row", "sku", "total_sales", "name", "post_type"]].rename(
        columns={"web_row": "source_row", "name": "post_title"}).reset_index(drop=True)
    unmatched_web["source_row"] = unmatched_web["source_row"].astype("int64")
    first = joined.iloc[0] if len(joined) else None
    total = first["revenue_sum"] if first is not None else None
    stats = PriceStats(_finite(first["price_mean"]) if first is not None else None,
                       _finite(first["price_std"]) if first is not None else None)
    step = StepResult("merge", "Fusion ERP – LIAISON – WEB", len(erp), output, removed)
    return Fusion(step, unmatched_web, products, _cents(total), stats)


def _finite(value: object) -> float | None:
    if value is None or pd.isna(value) or not math.isfinite(float(value)):
        return None
    return float(value)


def _cents(total: object) -> float:
    """The revenue total to the cent; none when no product has a revenue."""
    value = _finite(total)
    return round(value, 2) if value is not None else 0.0
