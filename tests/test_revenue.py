"""Revenue: price × total_sales per product, summed to the cent."""
from __future__ import annotations

import pandas as pd

from bottleneck_core.revenue import revenue_by_product


def _merged(prices, sales):
    n = len(prices)
    return pd.DataFrame({"product_id": [str(i) for i in range(n)], "price": prices, "total_sales": sales,
                         "erp_row": range(n)})


def test_revenue_is_price_times_sales_sorted_largest_first(con):
    step, _ = revenue_by_product(con, _merged([10.0, 2.5, 4.0], [1.0, 10.0, 0.0]))
    assert step.output["revenue"].tolist() == [25.0, 10.0, 0.0]
    assert step.rows_in == step.rows_out == 3


def test_total_revenue_is_rounded_to_the_cent(con):
    _, total = revenue_by_product(con, _merged([0.1, 0.2], [1.0, 1.0]))
    assert total == 0.3


def test_missing_sales_give_no_revenue_and_are_not_counted(con):
    step, total = revenue_by_product(con, _merged([10.0, 5.0], [None, 2.0]))
    assert step.output["revenue"].isna().sum() == 1
    assert total == 10.0
