"""The fusion: ERP, LIAISON and WEB inner-joined on product_id and id_web = sku, in DuckDB; the join only."""
from __future__ import annotations

import html

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InputError
from .lineage import StepResult
from .sql import query, to_frame

NOT_IN_LIAISON = "absent de la LIAISON"
NO_ID_WEB = "id_web manquant dans la LIAISON"
NOT_ON_WEB = "id_web absent de l'export WEB"
WEB_ONLY = "produit du site sans produit ERP"

# Every cleaned ERP product with its WEB match or the reason it has none, and the WEB rows no product reaches.
FUSION_SQL = """
SELECT e.product_id, w.sku, w.post_title AS name, e.price, w.total_sales, e.stock_quantity, e.stock_status,
       e.onsale_web, w.post_type, l.id_web, e.source_row AS erp_row, l.source_row AS liaison_row,
       w.source_row AS web_row,
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
                  "onsale_web", "post_type", "erp_row", "liaison_row", "web_row"]
LEFT_OUT_COLUMNS = ["product_id", "id_web", "price", "stock_quantity", "stock_status", "onsale_web", "erp_row",
                    "motif"]
UNMATCHED_COLUMNS = ["web_row", "sku", "total_sales", "name", "post_type"]


def refuse_shared_id_web(liaison: pd.DataFrame, file_name: str) -> None:
    """A LIAISON where several products share an id_web is refused: the join would multiply rows."""
    linked = liaison.loc[liaison["id_web"].notna()]
    shared = linked.loc[linked["id_web"].duplicated(keep=False)].sort_values("source_row")
    if shared.empty:
        return
    groups = shared.groupby("id_web", sort=False)["product_id"].apply(list)
    keys = ", ".join(f"« {k} » (produits {', '.join(map(str, ids))})" for k, ids in groups.head(5).items())
    raise InputError(f"plusieurs produits pointent vers le même id_web : {keys}. La fusion multiplierait les lignes, "
                     "elle est refusée.", file=file_name, column="id_web", rows=shared["source_row"].tolist(),
                     hint="Corrigez la table de liaison pour qu'un id_web ne désigne qu'un produit.")


def merge_sources(con: duckdb.DuckDBPyConnection, erp: pd.DataFrame, liaison: pd.DataFrame, web: pd.DataFrame,
                  liaison_name: str = "LIAISON") -> tuple[StepResult, pd.DataFrame]:
    """The inner join of the three cleaned exports in ERP order; each ERP product left out, with its reason, and the
    WEB products no ERP product reaches."""
    refuse_shared_id_web(liaison, liaison_name)
    reasons = {"not_in_liaison": NOT_IN_LIAISON, "no_id_web": NO_ID_WEB, "not_on_web": NOT_ON_WEB,
               "web_only": WEB_ONLY}
    joined = query(con, FUSION_SQL, reasons,
                   erp=(erp, ["product_id", "price", "stock_quantity", "stock_status", "onsale_web", "source_row"]),
                   liaison=(liaison, ["product_id", "id_web", "source_row"]),
                   web=(web, ["sku", "post_title", "total_sales", "post_type", "source_row"]))
    motif = joined["motif"]
    web_only = pc.fill_null(pc.equal(motif, WEB_ONLY), False)
    merged = _rows(joined.filter(pc.is_null(motif)), MERGED_COLUMNS, "erp_row")
    left_out = _rows(joined.filter(pc.and_(pc.is_valid(motif), pc.invert(web_only))), LEFT_OUT_COLUMNS, "erp_row")
    unmatched = _rows(joined.filter(web_only), UNMATCHED_COLUMNS, "web_row")
    unmatched = unmatched.rename(columns={"web_row": "source_row", "name": "post_title"})
    merged["name"] = readable_titles(merged["name"])
    return StepResult("merge", len(erp), merged, left_out), unmatched


def readable_titles(titles: pd.Series) -> pd.Series:
    """WooCommerce exports its titles HTML-escaped (« Agrapart &amp; Fils »): the wine's name as people write it."""
    escaped = titles.str.contains("&", regex=False).fillna(False)
    return titles.where(~escaped, titles[escaped].map(html.unescape)).astype(titles.dtype)


def _rows(table: pa.Table, columns: list[str], order: str) -> pd.DataFrame:
    """Some rows of the join as a frame, in their file order, row numbers as integers."""
    table = table.select(columns).sort_by(order)
    for name in ("erp_row", "liaison_row", "web_row"):
        if name in columns:
            table = table.set_column(columns.index(name), name, pc.cast(table[name], pa.int64()))
    return to_frame(table)
