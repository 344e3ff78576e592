"""Cleaning: rows with no key and duplicates removed with their reason; conflicts reported, never silent."""
from __future__ import annotations

import pandas as pd

from bottleneck_core.cleaning import (CONFLICTING_DUPLICATE, DUPLICATE, NO_PRODUCT_ID, NO_SKU, WEB_CONFLICT,
                                      WEB_DUPLICATE, clean_erp, clean_liaison, clean_web)
from bottleneck_core.reading import read_source


def _frame(raw: pd.DataFrame, kind: str) -> pd.DataFrame:
    return read_source(raw, kind).frame


def test_clean_erp_removes_missing_ids_and_duplicates_with_reasons(con, tiny_erp):
    raw = pd.concat([tiny_erp, tiny_erp.iloc[[0]], tiny_erp.iloc[[1]].assign(price=99.0),
                     tiny_erp.iloc[[2]].assign(product_id=None)], ignore_index=True)
    step = clean_erp(con, _frame(raw, "erp"))
    assert step.rows_in == 8 and step.rows_out == 5
    assert sorted(step.removed["motif"]) == sorted([DUPLICATE, CONFLICTING_DUPLICATE, NO_PRODUCT_ID])
    kept_price = step.output.set_index("product_id").loc["2", "price"]
    assert kept_price == 20.0  # the first row wins a conflict


def test_clean_erp_does_not_mutate_its_input(con, tiny_erp):
    frame = _frame(tiny_erp, "erp")
    before = frame.copy()
    clean_erp(con, frame)
    pd.testing.assert_frame_equal(frame, before)


def test_clean_liaison_keeps_rows_without_id_web(con, tiny_liaison):
    step = clean_liaison(con, _frame(tiny_liaison, "liaison"))
    assert step.rows_out == 5 and step.removed.empty
    ids = step.output["id_web"]
    assert ids.isna().tolist() == [False, False, False, True, False]
    assert ids.dropna().tolist() == ["101", "102", "abc-1", "105"]


def test_clean_web_drops_missing_sku_then_keeps_largest_sales(con, tiny_web):
    missing, dedup = clean_web(con, _frame(tiny_web, "web"))
    assert (missing.rows_in, missing.rows_out) == (8, 7)
    assert missing.removed["motif"].tolist() == [NO_SKU]
    assert dedup.rows_out == 4
    sales = dedup.output.set_index("sku")["total_sales"].to_dict()
    assert sales == {"101": 3.0, "102": 7.0, "abc-1": 1.0, "999": 4.0}
    assert sorted(dedup.removed["motif"]) == sorted([WEB_DUPLICATE, WEB_CONFLICT, WEB_DUPLICATE])


def test_clean_web_prefers_the_product_row_on_a_tie(con, tiny_web):
    _, dedup = clean_web(con, _frame(tiny_web, "web"))
    assert dedup.output.set_index("sku").loc["101", "post_type"] == "product"


def test_real_web_conflicts_are_the_three_known_skus(real_result):
    conflicts = real_result.step("dedup_web").removed
    skus = sorted(conflicts.loc[conflicts["motif"] == WEB_CONFLICT, "sku"])
    assert skus == ["16416", "1662", "7818"]
    check = next(c for c in real_result.checks if c.id == "web_sales_conflicts")
    assert check.status == "failed" and check.severity == "warning"
    assert sorted(set(check.offending["sku"])) == ["16416", "1662", "7818"]
    kept = real_result.step("dedup_web").output.set_index("sku")["total_sales"]
    assert (kept["1662"], kept["7818"], kept["16416"]) == (87.0, 96.0, 62.0)
