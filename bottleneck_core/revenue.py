"""Revenue: price times total_sales for each product, and its sum."""
from __future__ import annotations

import duckdb
import pandas as pd

from .engine import query
from .step import StepResult

# Revenue per product, largest first; a product with no price or no sales has no revenue (NULL).
REVENUE_SQL = """
SELECT *, price * total_sales AS revenue
FROM merged
ORDER BY revenue DESC NULLS LAST, erp_row
"""

TOTAL_REVENUE_SQL = "SELECT coalesce(sum(revenue), 0) AS total FROM products"


def revenue_by_product(con: duckdb.DuckDBPyConnection, merged: pd.DataFrame) -> StepResult:
    """Each merged product with its revenue (price × total_sales), largest first."""
    products = query(con, REVENUE_SQL, merged=merged)
    return StepResult("revenue", "Chiffre d'affaires par produit", len(merged), products,
                      products.iloc[0:0].assign(motif=pd.Series(dtype="object")))


def total_revenue(con: duckdb.DuckDBPyConnection, products: pd.DataFrame) -> float:
    """The sum of every product's revenue, in euros, rounded to the cent."""
    total = query(con, TOTAL_REVENUE_SQL, products=products)["total"].iloc[0]
    return round(float(total), 2)
