"""Revenue: price × total_sales per product, summed to the cent."""
from __future__ import annotations

import pandas as pd

from bottleneck_core.steps.revenue import add_revenue, total_revenue


def merged(prices, sales) -> pd.DataFrame:
    return pd.DataFrame({"product_id": [str(i) for i in range(len(prices))], "price": prices, "total_sales": sales,
                         "erp_row": range(2, len(prices) + 2)})


def test_revenue_is_price_times_sales_sorted_largest_first():
    step = add_revenue(merged([10.0, 2.5, 4.0], [1.0, 10.0, 0.0]))
    assert step.output["revenue"].tolist() == [25.0, 10.0, 0.0]
    assert step.output["product_id"].tolist() == ["1", "0", "2"]
    assert (step.rows_in, step.rows_out, step.rows_removed) == (3, 3, 0)


def test_equal_revenues_keep_erp_order_and_unknown_revenues_come_last():
    step = add_revenue(merged([5.0, None, 2.0, 10.0], [2.0, 3.0, 5.0, 1.0]))
    assert step.output["product_id"].tolist() == ["0", "2", "3", "1"]
    assert total_revenue(step.output) == 30.0


def test_a_product_with_a_price_but_no_sales_has_no_revenue_and_counts_for_nothing():
    step = add_revenue(merged([10.0, 5.0], [None, 2.0]))
    assert step.output["revenue"].isna().tolist() == [False, True]
    assert total_revenue(step.output) == 10.0


def test_total_revenue_is_rounded_to_the_cent():
    assert total_revenue(add_revenue(merged([0.1, 0.2], [1.0, 1.0])).output) == 0.3


def test_add_revenue_does_not_mutate_its_input():
    frame = merged([1.0, 2.0], [3.0, 4.0])
    before = frame.copy()
    add_revenue(frame)
    pd.testing.assert_frame_equal(frame, before)
