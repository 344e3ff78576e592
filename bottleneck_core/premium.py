"""Premium wines: those whose price z-score (population standard deviation) exceeds the threshold."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .step import StepResult

WHAT_IF_THRESHOLDS = (1.5, 2.0, 2.5, 3.0)
ORDINARY = "vin ordinaire (z-score ≤ seuil ou non calculable)"


@dataclass(frozen=True)
class PriceStats:
    """Mean and population standard deviation of prices: what a z-score threshold stands for."""

    mean: float | None
    std: float | None

    @property
    def computable(self) -> bool:
        return self.std is not None and self.std > 0

    @classmethod
    def of(cls, prices: np.ndarray) -> "PriceStats":
        """The statistics of the known prices; none when no price is known."""
        known = prices[~np.isnan(prices)]
        if not len(known):
            return cls(None, None)
        return cls(float(known.mean()), float(known.std(ddof=0)))

    def zscores(self, prices: np.ndarray) -> np.ndarray:
        """Each price's z-score; none when the prices do not vary (or only one is known)."""
        if not self.computable:
            return np.full(len(prices), np.nan)
        return (prices - self.mean) / self.std

    def threshold_price(self, threshold: float) -> float | None:
        """The price a z-score threshold stands for: mean + z × standard deviation."""
        return self.mean + threshold * self.std if self.computable else None


def is_premium(scored: pd.DataFrame, threshold: float) -> pd.Series:
    """True where the price z-score is strictly above the threshold (never when it cannot be computed)."""
    return scored["price_zscore"].gt(threshold).fillna(False).astype(bool)


def split_premium(scored: pd.DataFrame, threshold: float) -> StepResult:
    """Premium wines (z-score > threshold) as the output; ordinary wines as the rows set aside."""
    premium = is_premium(scored, threshold).to_numpy()
    ordinary = scored.loc[~premium].reset_index(drop=True)
    ordinary["motif"] = ORDINARY
    return StepResult("premium", "Vins premium", len(scored), scored.loc[premium].reset_index(drop=True),
                      ordinary)


def premium_counts(scored: pd.DataFrame, thresholds: tuple[float, ...] = WHAT_IF_THRESHOLDS) -> dict[float, int]:
    """How many wines would be premium at each threshold."""
    return {t: int(is_premium(scored, t).sum()) for t in thresholds}
