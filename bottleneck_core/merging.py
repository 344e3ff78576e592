"""The fusion: ERP, LIAISON and WEB inner-joined on product_id and id_web = sku."""
from __future__ import annotations

import duckdb
import pandas as pd

from .engine import query
from .errors import InputError
from .step import StepResult

NOT_IN_LIAISON = "absent de la LIAISON"
NO_ID_WEB = "id_web manquant dans la LIAISON"
NOT_ON_WEB = "id_web absent de l'export WEB"
WEB_ONLY = "produit du site sans produit ERP"

# Every cleaned ERP product with its WEB match or the reason it has none, and the WEB rows no product
# reaches; rows are named by their source row in each export.
MERGE_SQL = """
SELECT e.source_row AS erp_row, l.source_row AS liaison_row, w.source_row AS web_row,
       CASE
         WHEN e.source_row IS NULL THEN $web_only
         WHEN l.product_id IS NULL THEN $not_in_liaison
         WHEN l.id_web IS NULL THEN $no_id_web
         WHEN w.sku IS NULL THEN $not_on_web
       END AS motif
FROM erp e
LEFT JOIN liaison l ON l.product_id = e.product_id
FULL JOIN web w ON w.sku = l.id_web AND e.product_id IS NOT NULL
ORDER BY e.source_row NULLS LAST, w.source_row
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


def merge_sources(con: duckdb.DuckDBPyConnection, erp: pd.DataFrame, liaison: pd.DataFrame,
                  web: pd.DataFrame) -> tuple[StepResult, pd.DataFrame]:
    """The inner join of the three cleaned exports, the ERP products left out, and the WEB rows unmatched."""
    reasons = {"not_in_liaison": NOT_IN_LIAISON, "no_id_web": NO_ID_WEB, "not_on_web": NOT_ON_WEB,
               "web_only": WEB_ONLY}
    joined = query(con, MERGE_SQL, reasons, erp=erp[["product_id", "source_row"]],
                   liaison=liaison[["product_id", "id_web", "source_row"]], web=web[["sku", "source_row"]])
    erp_at = pd.Index(erp["source_row"])
    web_at = pd.Index(web["source_row"])
    motif = joined["motif"]
    matched = joined.loc[motif.isna().to_numpy()]
    erp_pos = erp_at.get_indexer(matched["erp_row"].astype("int64"))
    web_pos = web_at.get_indexer(matched["web_row"].astype("int64"))

    def pick(frame: pd.DataFrame, column: str, positions) -> object:
        return frame[column].take(positions).to_numpy() if len(positions) else frame[column].iloc[0:0].to_numpy()

    output = pd.DataFrame({
        "product_id": pick(erp, "product_id", erp_pos), "sku": pick(web, "sku", web_pos),
        "name": pick(web, "post_title", web_pos), "price": pick(erp, "price", erp_pos),
        "total_sales": pick(web, "total_sales", web_pos), "stock_quantity": pick(erp, "stock_quantity", erp_pos),
        "stock_status": pick(erp, "stock_status", erp_pos), "onsale_web": pick(erp, "onsale_web", erp_pos),
        "post_type": pick(web, "post_type", web_pos), "erp_row": matched["erp_row"].astype("int64").to_numpy(),
        "web_row": matched["web_row"].astype("int64").to_numpy()})
    left_out = joined.loc[(motif.notna() & (motif != WEB_ONLY)).to_numpy()]
    left_pos = erp_at.get_indexer(left_out["erp_row"].astype("int64"))
    removed = erp.take(left_pos)[["product_id", "price", "stock_quantity", "stock_status", "onsale_web",
                                  "source_row"]].rename(columns={"source_row": "erp_row"}).reset_index(drop=True)
    id_web = liaison.set_index("source_row")["id_web"].reindex(left_out["liaison_row"].to_numpy())
    removed.insert(1, "id_web", id_web.to_numpy())
    removed["motif"] = left_out["motif"].to_numpy()
    web_only = web_at.get_indexer(joined.loc[(motif == WEB_ONLY).to_numpy(), "web_row"].astype("int64"))
    unmatched_web = web.take(web_only)[["source_row", "sku", "total_sales", "post_title",
                                        "post_type"]].reset_index(drop=True)
    step = StepResult("merge", "Fusion ERP – LIAISON – WEB", len(erp), output, removed)
    return step, unmatched_web
