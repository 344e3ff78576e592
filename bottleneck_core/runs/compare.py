"""What changed between two recorded months: the revenue, the wines entering and leaving premium, the largest
revenue changes, new and vanished products; said once for the CLI and the app."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..checks.drift import relative_change

COMPARED_COLUMNS = ["product_id", "sku", "name", "price_before", "price_after", "revenue_before", "revenue_after"]
# A wine crosses the threshold because its price moved or because the month's prices did (the z-score says which).
PREMIUM_COLUMNS = ["product_id", "sku", "name", "price_before", "price_after", "price_zscore_before",
                   "price_zscore_after", "revenue_before", "revenue_after"]


@dataclass(frozen=True)
class Comparison:
    """Two months side by side."""

    before: str
    after: str
    revenue_before: float
    revenue_after: float
    entered_premium: pd.DataFrame
    left_premium: pd.DataFrame
    revenue_changes: pd.DataFrame
    new_products: pd.DataFrame
    vanished_products: pd.DataFrame

    @property
    def revenue_change(self) -> float:
        return round(self.revenue_after - self.revenue_before, 2)

    @property
    def revenue_relative_change(self) -> float | None:
        change = relative_change(self.revenue_before, self.revenue_after)
        return None if change in (float("inf"), float("-inf")) else change


def compare_products(before: pd.DataFrame, after: pd.DataFrame, before_period: str, after_period: str,
                     top: int = 10) -> Comparison:
    """Wines entering and leaving premium, the largest revenue changes (a product new or vanished counts from or to
    0 €, so that the changes add up to the month's), new and vanished products."""
    both = before.merge(after, on="product_id", how="outer", suffixes=("_before", "_after"), indicator=True)
    both["name"] = both["name_after"].fillna(both["name_before"])
    both["sku"] = both["sku_after"].fillna(both["sku_before"])
    both["revenue_change"] = both["revenue_after"].fillna(0) - both["revenue_before"].fillna(0)
    common = both.loc[both["_merge"] == "both"]
    premium_before = common["premium_before"].astype(bool)
    premium_after = common["premium_after"].astype(bool)
    moved = both.loc[both["revenue_change"].round(2) != 0]  # a product whose revenue did not move is no change
    changes = moved.reindex(moved["revenue_change"].abs().sort_values(ascending=False, kind="stable").index)
    return Comparison(
        before=before_period, after=after_period,
        revenue_before=round(float(before["revenue"].sum()), 2), revenue_after=round(float(after["revenue"].sum()), 2),
        entered_premium=common.loc[premium_after & ~premium_before, PREMIUM_COLUMNS].reset_index(drop=True),
        left_premium=common.loc[premium_before & ~premium_after, PREMIUM_COLUMNS].reset_index(drop=True),
        revenue_changes=changes.head(top)[COMPARED_COLUMNS + ["revenue_change"]].reset_index(drop=True),
        new_products=both.loc[both["_merge"] == "right_only", ["product_id", "sku", "name", "price_after",
                                                               "revenue_after"]].reset_index(drop=True),
        vanished_products=both.loc[both["_merge"] == "left_only", ["product_id", "sku", "name", "price_before",
                                                                  "revenue_before"]].reset_index(drop=True),
    )
