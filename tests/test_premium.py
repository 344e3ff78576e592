"""Premium wines: price z-score with the population standard deviation, strictly above the threshold."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bottleneck_core.premium import split_premium


def test_zscore_uses_the_population_standard_deviation(fuse):
    prices = [10.0, 20.0, 30.0, 40.0]
    fusion = fuse(prices, [1.0] * len(prices))
    scored, stats = fusion.products, fusion.price_stats
    expected = (np.array(prices) - np.mean(prices)) / np.std(prices)  # numpy's default ddof=0
    assert np.allclose(sorted(scored["price_zscore"]), sorted(expected))
    assert stats.threshold_price(1.0) == pytest.approx(np.mean(prices) + np.std(prices))


def test_split_is_strictly_above_the_threshold():
    scored = pd.DataFrame({"price_zscore": [2.0, 2.0001, -1.0, None]})
    step = split_premium(scored, 2.0)
    assert step.output["price_zscore"].tolist() == [2.0001]
    assert step.rows_removed == 3


@pytest.mark.parametrize("prices", [[12.0, 12.0, 12.0], [12.0]])
def test_constant_or_single_price_is_not_computable_and_makes_no_premium(fuse, prices):
    fusion = fuse(prices, [1.0] * len(prices))
    scored, stats = fusion.products, fusion.price_stats
    assert not stats.computable and stats.threshold_price(2.0) is None
    assert scored["price_zscore"].isna().all()
    assert split_premium(scored, 2.0).rows_out == 0


def test_real_threshold_stands_for_about_88_euros(real_result):
    assert real_result.threshold_price == pytest.approx(88.08, abs=0.01)
    assert real_result.premium_counts() == {1.5: 49, 2.0: 30, 2.5: 25, 3.0: 14}


def test_with_threshold_resplits_without_rereading(real_result):
    looser = real_result.with_threshold(1.5)
    assert looser.summary["premium_count"] == 49
    assert looser.sources is real_result.sources
    assert real_result.summary["premium_count"] == 30
    status = {c.id: c.status for c in looser.checks}
    assert status["premium_count"] == "failed" and status["premium_above_threshold"] == "passed"


def test_no_known_price_gives_no_statistics(fuse):
    fusion = fuse([None, None], [1.0, 2.0])
    assert fusion.price_stats.mean is None and not fusion.price_stats.computable
    assert fusion.products["price_zscore"].isna().all() and fusion.revenue_total == 0.0
