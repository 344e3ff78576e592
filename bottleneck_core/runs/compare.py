"""What changed between two recorded months: the revenue, the wines entering and leaving premium, the largest
revenue changes, new and vanished products; said once for the CLI and the app."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..checks.drift import relative_change
from ..formatting import integer, month_label, number, plural

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
    premium_before: int = 0
    premium_after: int = 0
    threshold_before: float | None = None
    threshold_after: float | None = None

    @property
    def notes(self) -> list[str]:
        """What the reader must know before reading the movements: the two months were not cut at one threshold."""
        if None in (self.threshold_before, self.threshold_after) or self.threshold_before == self.threshold_after:
            return []
        return [f"Les deux mois n'ont pas été analysés au même seuil de z-score ({number(self.threshold_before)} en "
                f"{month_label(self.before)}, {number(self.threshold_after)} en {month_label(self.after)}) : des vins "
                "entrent ou sortent du premium par ce seul changement de seuil."]

    @property
    def premium_movement(self) -> str:
        """The premium count's change, told as the entries and exits that make it up."""
        return (f"Vins premium : {integer(self.premium_before)} → {integer(self.premium_after)} ; "
                f"{plural(len(self.entered_premium), 'entré')}, {plural(len(self.left_premium), 'sorti')} "
                "(produits nouveaux et disparus compris).")

    @property
    def revenue_change(self) -> float:
        return round(self.revenue_after - self.revenue_before, 2)

    @property
    def revenue_relative_change(self) -> float | None:
        change = relative_change(self.revenue_before, self.revenue_after)
        return None if change in (float("inf"), float("-inf")) else change


def compare_products(before: pd.DataFrame, after: pd.DataFrame, before_period: str, after_period: str,
                     top: int = 10, thresholds: tuple[float | None, float | None] = (None, None)) -> Comparison:
    """Wines entering and leaving premium (a new premium wine enters, a vanished one leaves, so that the premium
    count moves by the entries less the exits), the largest revenue changes (a product new or vanished counts from
    or to 0 €, so that the changes add up to the month's), new and vanished products."""
    both = before.merge(after, on="product_id", how="outer", suffixes=("_before", "_after"), indicator=True)
    both["name"] = both["name_after"].fillna(both["name_before"])
    both["sku"] = both["sku_after"].fillna(both["sku_before"])
    both["revenue_change"] = both["revenue_after"].fillna(0) - both["revenue_before"].fillna(0)
    premium_before = both["premium_before"].fillna(False).astype(bool)
    premium_after = both["premium_after"].fillna(False).astype(bool)
    moved = both.loc[both["revenue_change"].round(2) != 0]  # a product whose revenue did not move is no change
    changes = moved.reindex(moved["revenue_change"].abs().sort_values(ascending=False, kind="stable").index)
    return Comparison(
        before=before_period, after=after_period,
        revenue_before=round(float(before["revenue"].sum()), 2), revenue_after=round(float(after["revenue"].sum()), 2),
        entered_premium=both.loc[premium_after & ~premium_before, PREMIUM_COLUMNS].reset_index(drop=True),
        left_premium=both.loc[premium_before & ~premium_after, PREMIUM_COLUMNS].reset_index(drop=True),
        revenue_changes=changes.head(top)[COMPARED_COLUMNS + ["revenue_change"]].reset_index(drop=True),
        new_products=both.loc[both["_merge"] == "right_only", ["product_id", "sku", "name", "price_after",
                                                               "revenue_after"]].reset_index(drop=True),
        vanished_products=both.loc[both["_merge"] == "left_only", ["product_id", "sku", "name", "price_before",
                                                                  "revenue_before"]].reset_index(drop=True),
        premium_before=int(premium_before.sum()), premium_after=int(premium_after.sum()),
        threshold_before=thresholds[0], threshold_after=thresholds[1],
    )
