"""Revenue: price × total_sales per product, summed to the cent."""
from __future__ import annotations

import pandas as pd

from bottleneck_core.revenue import revenue_step


def test_revenue_is_price_times_sales_sorted_largest_first(fuse):
    step = revenue_step(fuse([10.0, 2.5, 4.0], [1.0, 10.0, 0.0]).products)
    assert step.output["revenue"].tolist() == [25.0, 10.0, 0.0]
    assert step.output["product_id"].tolist() == ["1", "0", "2"]
    assert step.rows_in == step.rows_out == 3


def test_total_revenue_is_rounded_to_the_cent(fuse):
    assert fuse([0.1, 0.2], [1.0, 1.0]).revenue_total == 0.3


def test_missing_sales_give_no_revenue_and_are_not_counted(fuse):
    fusion = fuse([10.0, 5.0], [None, 2.0])
    assert fusion.products["revenue"].isna().sum() == 1
    assert fusion.revenue_total == 10.0



def test_equal_revenues_keep_erp_order_and_unknown_revenues_come_last(fuse):
    fusion = fuse([5.0, None, 2.0, 10.0], [2.0, 3.0, 5.0, 1.0])
    assert fusion.products["product_id"].tolist() == ["0", "2", "3", "1"]
    assert fusion.revenue_total == 30.0
    assert fusion.step.rows_out == 4 and fusion.step.output["price"].isna().sum() == 1
