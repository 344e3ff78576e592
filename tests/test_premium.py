"""Premium wines: price z-score with the population standard deviation, strictly above the threshold."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bottleneck_core import with_threshold
from bottleneck_core.steps.premium import premium_counts, score_prices, split_premium


def test_zscores_are_the_ones_worked_out_by_hand():
    # Prices 10, 20, 30, 40: mean 25, population variance (225 + 25 + 25 + 225) / 4 = 125, deviation √125.
    scored, stats = score_prices(pd.DataFrame({"price": [10.0, 20.0, 30.0, 40.0]}))
    assert stats.mean == 25.0 and stats.std == pytest.approx(11.180339887)
    assert scored["price_zscore"].tolist() == pytest.approx([-1.341640786, -0.447213595, 0.447213595, 1.341640786])
    assert stats.threshold_price(1.0) == pytest.approx(36.180339887)


def test_an_unknown_price_has_no_zscore_and_does_not_move_the_others():
    scored, stats = score_prices(pd.DataFrame({"price": [10.0, None, 30.0]}))  # mean 20, deviation 10
    assert (stats.mean, stats.std) == (20.0, 10.0)
    assert scored["price_zscore"].tolist()[0] == -1.0 and np.isnan(scored["price_zscore"].iloc[1])


def test_scoring_does_not_mutate_its_input():
    frame = pd.DataFrame({"price": [1.0, 2.0, 4.0]})
    score_prices(frame)
    assert list(frame.columns) == ["price"]


def test_split_is_strictly_above_the_threshold():
    step = split_premium(pd.DataFrame({"price_zscore": [2.0, 2.0001, -1.0, None]}), 2.0)
    assert step.output["price_zscore"].tolist() == [2.0001]
    assert step.rows_removed == 3 and set(step.removed["motif"]) == {"vin ordinaire (z-score ≤ seuil ou non calculable)"}


@pytest.mark.parametrize("prices", [[12.0, 12.0, 12.0], [12.0], [None, None]])
def test_constant_single_or_unknown_prices_make_no_zscore_and_no_premium(prices):
    scored, stats = score_prices(pd.DataFrame({"price": prices}, dtype="float64"))
    assert not stats.computable and stats.threshold_price(2.0) is None
    assert scored["price_zscore"].isna().all() and split_premium(scored, 2.0).rows_out == 0


def test_real_threshold_stands_for_about_88_euros(real_result):
    assert real_result.threshold_price == pytest.approx(88.08, abs=0.01)
    assert premium_counts(real_result.products) == {1.5: 49, 2.0: 30, 2.5: 25, 3.0: 14}


def test_with_threshold_resplits_without_rereading_and_is_a_simulation(real_result):
    looser = with_threshold(real_result, "1,5")
    assert len(looser.premium) == 49 and looser.simulated and not real_result.simulated
    assert looser.sources is real_result.sources and len(real_result.premium) == 30
    status = {c.id: c.status for c in looser.checks}
    assert status["premium_count"] == "skipped" and status["premium_above_threshold"] == "passed"
    assert looser.checks_passed
