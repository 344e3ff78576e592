"""Revenue: price times total_sales for each product, and its sum."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .step import StepResult


def revenue_order(price: np.ndarray, total_sales: np.ndarray, erp_row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each product's revenue, price × total_sales (none without a price or sales), and the order that puts
    the largest first, ties in ERP row order, products without revenue last."""
    revenue = price * total_sales
    return revenue, np.lexsort((erp_row, np.where(np.isnan(revenue), np.inf, -revenue)))


def revenue_total(revenue: np.ndarray) -> float:
    """The products' revenues summed, to the cent; those without revenue count for nothing."""
    total = float(np.nansum(revenue))
    return round(total, 2) if math.isfinite(total) else 0.0


def revenue_step(products: pd.DataFrame) -> StepResult:
    """The revenue step: each merged product with its revenue (price × total_sales), largest first; a product
    with no price or no sales has none, and no row is removed."""
    return StepResult("revenue", "Chiffre d'affaires par produit", len(products), products,
                      products.iloc[0:0].assign(motif=pd.Series(dtype="object")))


@dataclass(frozen=True)
class RevenueKpis:
    """The revenue page's headline figures."""

    total: float
    products: int
    products_sold: int
    mean_per_product: float | None
    top_share: float | None
    top_fraction: float = 0.2


def revenue_kpis(products: pd.DataFrame, total: float, top_fraction: float = 0.2) -> RevenueKpis:
    """Total, products sold, mean revenue per product and the share made by the top products."""
    revenue = products["revenue"].fillna(0.0).sort_values(ascending=False)
    count = len(revenue)
    top_n = max(1, math.ceil(count * top_fraction)) if count else 0
    share = float(revenue.head(top_n).sum() / total) if total > 0 else None
    return RevenueKpis(total=total, products=count, products_sold=int((revenue > 0).sum()),
                       mean_per_product=total / count if count else None, top_share=share,
                       top_fraction=top_fraction)


def pareto_curve(products: pd.DataFrame) -> pd.DataFrame:
    """Cumulative share of revenue against share of products, best sellers first."""
    revenue = products["revenue"].fillna(0.0).sort_values(ascending=False).to_numpy()
    total = revenue.sum()
    count = len(revenue)
    return pd.DataFrame({
        "share_products": np.arange(1, count + 1) / count if count else np.array([]),
        "share_revenue": np.cumsum(revenue) / total if total > 0 else np.zeros(count),
    })


def top_products(products: pd.DataFrame, n: int = 20) -> pd.DataFrame:
    """The n products with the largest revenue."""
    return products.sort_values("revenue", ascending=False, na_position="last").head(n).reset_index(drop=True)


def search_products(products: pd.DataFrame, text: str) -> pd.DataFrame:
    """Products whose name, sku or product_id contains the text, case-insensitively."""
    text = (text or "").strip()
    if not text:
        return products
    haystack = (products["name"].fillna("") + " " + products["sku"].fillna("") + " "
                + products["product_id"].fillna(""))
    return products.loc[haystack.str.contains(text, case=False, regex=False)]
