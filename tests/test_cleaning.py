"""Cleaning: rows with no key and duplicates removed with their reason; conflicts reported, never silent."""
from __future__ import annotations

import pandas as pd

from bottleneck_core.io.reading import read_source
from bottleneck_core.steps.cleaning import (CONFLICTING_DUPLICATE, DUPLICATE, NO_PRODUCT_ID, NO_SKU, WEB_CONFLICT,
                                            WEB_DUPLICATE, clean_erp, clean_liaison, clean_web, conflicting_rows,
                                            dedup_web)


def _frame(raw: pd.DataFrame, kind: str) -> pd.DataFrame:
    return read_source(raw, kind).frame


def test_clean_erp_removes_missing_ids_and_duplicates_with_reasons(con, tiny_erp):
    raw = pd.concat([tiny_erp, tiny_erp.iloc[[0]], tiny_erp.iloc[[1]].assign(price=99.0),
                     tiny_erp.iloc[[2]].assign(product_id=None)], ignore_index=True)
    step = clean_erp(con, _frame(raw, "erp"))
    assert (step.rows_in, step.rows_out, step.rows_removed) == (8, 5, 3)
    assert step.removed["motif"].tolist() == [DUPLICATE, CONFLICTING_DUPLICATE, NO_PRODUCT_ID]
    assert step.removed["source_row"].tolist() == [7, 8, 9]
    assert step.output.set_index("product_id").loc["2", "price"] == 20.0  # the first row wins a conflict


def test_clean_erp_does_not_mutate_its_input(con, tiny_erp):
    frame = _frame(tiny_erp, "erp")
    before = frame.copy()
    clean_erp(con, frame)
    pd.testing.assert_frame_equal(frame, before)


def test_clean_liaison_keeps_rows_without_id_web(con, tiny_liaison):
    step = clean_liaison(con, _frame(tiny_liaison, "liaison"))
    assert step.rows_out == 5 and step.removed.empty
    assert step.output["id_web"].isna().tolist() == [False, False, False, True, False]
    assert step.output["id_web"].dropna().tolist() == ["101", "102", "abc-1", "105"]


def test_a_product_linked_to_an_id_web_and_to_none_is_a_conflict_not_a_duplicate(con):
    liaison = _frame(pd.DataFrame({"product_id": [1, 1, 2], "id_web": [101, None, 102]}), "liaison")
    step = clean_liaison(con, liaison)
    assert step.removed["motif"].tolist() == [CONFLICTING_DUPLICATE]
    both = conflicting_rows(step, CONFLICTING_DUPLICATE, "product_id", liaison)
    assert both["source_row"].tolist() == [2, 3] and both["id_web"].isna().tolist() == [False, True]


def test_clean_web_drops_rows_without_sku(tiny_web):
    step = clean_web(_frame(tiny_web, "web"))
    assert (step.rows_in, step.rows_out) == (8, 7)
    assert step.removed["motif"].tolist() == [NO_SKU] and step.removed["source_row"].tolist() == [8]


def test_dedup_web_keeps_the_largest_sales_and_says_which_rows_disagreed(con, tiny_web):
    step = dedup_web(con, clean_web(_frame(tiny_web, "web")).output)
    assert step.rows_out == 4
    assert step.output.set_index("sku")["total_sales"].to_dict() == {"101": 3.0, "102": 7.0, "abc-1": 1.0, "999": 4.0}
    assert step.removed.set_index("source_row")["motif"].to_dict() == {3: WEB_DUPLICATE, 5: WEB_CONFLICT,
                                                                       7: WEB_DUPLICATE}


def test_dedup_web_prefers_the_product_row_on_a_tie(con, tiny_web):
    step = dedup_web(con, clean_web(_frame(tiny_web, "web")).output)
    assert step.output.set_index("sku").loc["101", "post_type"] == "product"


def test_real_web_conflicts_are_the_three_known_skus(real_result):
    removed = real_result.step("dedup_web").removed
    assert sorted(removed.loc[removed["motif"] == WEB_CONFLICT, "sku"]) == ["16416", "1662", "7818"]
    check = next(c for c in real_result.checks if c.id == "web_sales_conflicts")
    assert check.status == "failed" and check.severity == "warning" and check.offending_count == 6
    assert check.message.startswith("6 lignes WEB en conflit sur total_sales, pour 3 sku.")  # both sides of 3 sku
    kept = real_result.step("dedup_web").output.set_index("sku")["total_sales"]
    assert (kept["1662"], kept["7818"], kept["16416"]) == (87.0, 96.0, 62.0)
