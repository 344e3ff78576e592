"""Premium wines: those whose price z-score (population standard deviation) is strictly above the threshold."""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import zscore

from .lineage import StepResult

WHAT_IF_THRESHOLDS = (1.5, 2.0, 2.5, 3.0)
ORDINARY = "vin ordinaire (z-score ≤ seuil ou non calculable)"


@dataclass(frozen=True)
class PriceStats:
    """Mean and population standard deviation of the known prices: what a z-score threshold stands for."""

    mean: float | None
    std: float | None

    @property
    def computable(self) -> bool:
        return self.std is not None and self.std > 0

    def threshold_price(self, threshold: float) -> float | None:
        """The price a z-score threshold stands for: mean + z × standard deviation."""
        return self.mean + threshold * self.std if self.computable else None


def price_stats(prices: np.ndarray) -> PriceStats:
    """The statistics of the known prices; none when no price is known."""
    known = prices[~np.isnan(prices)]
    return PriceStats(float(known.mean()), float(known.std(ddof=0))) if len(known) else PriceStats(None, None)


def score_prices(products: pd.DataFrame) -> tuple[pd.DataFrame, PriceStats]:
    """Each product's price z-score, scipy.stats.zscore over the known prices (population standard deviation);
    none when the prices do not vary or a single one is known."""
    prices = products["price"].to_numpy("float64")
    stats = price_stats(prices)
    if stats.computable:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            scores = zscore(prices, ddof=0, nan_policy="omit")
    else:
        scores = np.full(len(prices), np.nan)
    return products.assign(price_zscore=scores), stats


def is_premium(scored: pd.DataFrame, threshold: float) -> pd.Series:
    """True where the price z-score is strictly above the threshold (never when it cannot be computed)."""
    return scored["price_zscore"].gt(threshold).fillna(False).astype(bool)


def split_premium(scored: pd.DataFrame, threshold: float) -> StepResult:
    """Premium wines (z-score > threshold) as the output; ordinary wines as the rows set aside, with why."""
    premium = is_premium(scored, threshold).to_numpy()
    ordinary = scored.loc[~premium].reset_index(drop=True).assign(motif=ORDINARY)
    return StepResult("premium", len(scored), scored.loc[premium].reset_index(drop=True), ordinary)


def premium_counts(scored: pd.DataFrame, thresholds: tuple[float, ...] = WHAT_IF_THRESHOLDS) -> dict[float, int]:
    """How many wines would be premium at each threshold."""
    return {t: int(is_premium(scored, t).sum()) for t in thresholds}
