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

# Which id_web more than one product points to: joining on them would multiply rows.
SHARED_ID_WEB_SQL = """
SELECT id_web, list(product_id ORDER BY source_row) AS product_ids, list(source_row ORDER BY source_row) AS rows
FROM liaison WHERE id_web IS NOT NULL
GROUP BY id_web HAVING count(*) > 1
ORDER BY min(source_row)
"""

# Every cleaned ERP product with its WEB match, or the reason it has none.
MERGE_SQL = """
SELECT e.product_id, w.sku, w.post_title AS name, e.price, w.total_sales,
       e.stock_quantity, e.stock_status, e.onsale_web, w.post_type,
       e.source_row AS erp_row, w.source_row AS web_row,
       CASE
         WHEN l.product_id IS NULL THEN $not_in_liaison
         WHEN l.id_web IS NULL THEN $no_id_web
         WHEN w.sku IS NULL THEN $not_on_web
       END AS motif,
       l.id_web
FROM erp e
LEFT JOIN liaison l ON l.product_id = e.product_id
LEFT JOIN web w ON w.sku = l.id_web
ORDER BY e.source_row
"""

# WEB products that no ERP product reaches through the LIAISON.
UNMATCHED_WEB_SQL = """
SELECT w.* FROM web w
WHERE NOT EXISTS (
  SELECT 1 FROM liaison l JOIN erp e ON e.product_id = l.product_id WHERE l.id_web = w.sku
)
ORDER BY w.source_row
"""

MERGED_COLUMNS = ["product_id", "sku", "name", "price", "total_sales", "stock_quantity", "stock_status",
                  "onsale_web", "post_type", "erp_row", "web_row"]


def refuse_shared_id_web(con: duckdb.DuckDBPyConnection, liaison: pd.DataFrame, file_name: str) -> None:
    """Refuse a LIAISON where several products share an id_web: the join would multiply rows."""
    shared = query(con, SHARED_ID_WEB_SQL, liaison=liaison)
    if shared.empty:
        return
    keys = ", ".join(f"« {k} » (produits {', '.join(map(str, ids))})"
                     for k, ids in zip(shared["id_web"].head(5), shared["product_ids"].head(5)))
    rows = sorted(int(r) for rows in shared["rows"] for r in rows)
    raise InputError(f"plusieurs produits pointent vers le même id_web : {keys}. La fusion multiplierait "
                     "les lignes, elle est refusée.", file=file_name, column="id_web", rows=rows,
                     hint="Corrigez la table de liaison pour qu'un id_web ne désigne qu'un produit.")


def merge_sources(con: duckdb.DuckDBPyConnection, erp: pd.DataFrame, liaison: pd.DataFrame,
                  web: pd.DataFrame) -> tuple[StepResult, pd.DataFrame]:
    """The inner join of the three cleaned exports, the ERP products left out, and the WEB rows unmatched."""
    reasons = {"not_in_liaison": NOT_IN_LIAISON, "no_id_web": NO_ID_WEB, "not_on_web": NOT_ON_WEB}
    joined = query(con, MERGE_SQL, reasons, erp=erp, liaison=liaison, web=web)
    matched = joined["motif"].isna()
    output = joined.loc[matched, MERGED_COLUMNS].reset_index(drop=True)
    removed = (joined.loc[~matched, ["product_id", "id_web", "price", "stock_quantity", "stock_status",
                                     "onsale_web", "erp_row", "motif"]]
               .reset_index(drop=True))
    unmatched_web = query(con, UNMATCHED_WEB_SQL, erp=erp, liaison=liaison, web=web)
    step = StepResult("merge", "Fusion ERP – LIAISON – WEB", len(erp), output, removed)
    return step, unmatched_web
