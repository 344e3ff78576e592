"""Premium wines: those whose price z-score (population standard deviation) exceeds the threshold."""
from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import pandas as pd

from .engine import query
from .step import StepResult

# Price mean and population standard deviation over the merged products, and each price's z-score.
PRICE_ZSCORE_SQL = """
SELECT *, (price - price_mean) / nullif(price_std, 0) AS price_zscore
FROM (
  SELECT *, avg(price) OVER () AS price_mean, stddev_pop(price) OVER () AS price_std
  FROM products
)
ORDER BY revenue DESC NULLS LAST, erp_row
"""

WHAT_IF_THRESHOLDS = (1.5, 2.0, 2.5, 3.0)


@dataclass(frozen=True)
class PriceStats:
    """Mean and population standard deviation of prices: what a z-score threshold stands for."""

    mean: float | None
    std: float | None

    @property
    def computable(self) -> bool:
        return self.std is not None and self.std > 0

    def threshold_price(self, threshold: float) -> float | None:
        """The price a z-score threshold stands for: mean + z × standard deviation."""
        return self.mean + threshold * self.std if self.computable else None


def price_zscore(con: duckdb.DuckDBPyConnection, products: pd.DataFrame) -> tuple[pd.DataFrame, PriceStats]:
    """Each product's price z-score; none when prices do not vary (or only one is known)."""
    scored = query(con, PRICE_ZSCORE_SQL, products=products)
    mean = scored["price_mean"].iloc[0] if len(scored) else None
    std = scored["price_std"].iloc[0] if len(scored) else None
    stats = PriceStats(_finite(mean), _finite(std))
    return scored.drop(columns=["price_mean", "price_std"]), stats


def _finite(value: object) -> float | None:
    if value is None or pd.isna(value) or not math.isfinite(float(value)):
        return None
    return float(value)


def is_premium(scored: pd.DataFrame, threshold: float) -> pd.Series:
    """True where the price z-score is strictly above the threshold (never when it cannot be computed)."""
    return scored["price_zscore"].gt(threshold).fillna(False).astype(bool)


def split_premium(scored: pd.DataFrame, threshold: float) -> StepResult:
    """Premium wines (z-score > threshold) as the output; ordinary wines as the rows set aside."""
    premium = is_premium(scored, threshold)
    reason = pd.Series("vin ordinaire (z-score ≤ seuil ou non calculable)", index=scored.index)
    ordinary = scored.loc[~premium].assign(motif=reason[~premium]).reset_index(drop=True)
    return StepResult("premium", "Vins premium", len(scored), scored.loc[premium].reset_index(drop=True),
                      ordinary)


def premium_counts(scored: pd.DataFrame, thresholds: tuple[float, ...] = WHAT_IF_THRESHOLDS) -> dict[float, int]:
    """How many wines would be premium at each threshold."""
    return {t: int(is_premium(scored, t).sum()) for t in thresholds}
