"""Revenue: price times total_sales for each product, and their sum."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .lineage import StepResult, kept_all


def add_revenue(merged: pd.DataFrame) -> StepResult:
    """Each merged product with its revenue to the cent, price × total_sales (none without a price or sales),
    largest first, ties in ERP order, products without revenue last; no row is removed."""
    revenue = np.round(merged["price"].to_numpy("float64") * merged["total_sales"].to_numpy("float64"), 2)
    order = np.lexsort((merged["erp_row"].to_numpy(), np.where(np.isnan(revenue), np.inf, -revenue)))
    products = merged.take(order).reset_index(drop=True)
    products["revenue"] = revenue[order]
    return kept_all("revenue", products)


def total_revenue(products: pd.DataFrame) -> float:
    """The products' revenues summed, to the cent; those without revenue count for nothing."""
    total = float(np.nansum(products["revenue"].to_numpy("float64")))
    return round(total, 2) if math.isfinite(total) else 0.0
