"""Fusion: inner joins on normalised keys; every ERP product left out has its reason; shared id_web refused."""
from __future__ import annotations

import pandas as pd
import pytest

from bottleneck_core.cleaning import clean_erp, clean_liaison, clean_web
from bottleneck_core.errors import InputError
from bottleneck_core.merging import NO_ID_WEB, NOT_ON_WEB, merge_sources, refuse_shared_id_web
from bottleneck_core.reading import read_source


def _cleaned(con, erp, liaison, web):
    e = clean_erp(con, read_source(erp, "erp").frame).output
    l = clean_liaison(con, read_source(liaison, "liaison").frame).output
    w = clean_web(con, read_source(web, "web").frame)[1].output
    return e, l, w


def test_merge_joins_keys_written_as_int_float_and_text(con, tiny_erp, tiny_liaison, tiny_web):
    fusion = merge_sources(con, *_cleaned(con, tiny_erp, tiny_liaison, tiny_web))
    step, unmatched = fusion.step, fusion.unmatched_web
    assert sorted(step.output["product_id"]) == ["1", "2", "3"]
    assert step.rows_in == step.rows_out + step.rows_removed == 5
    reasons = step.removed.set_index("product_id")["motif"].to_dict()
    assert reasons == {"4": NO_ID_WEB, "5": NOT_ON_WEB}
    assert unmatched["sku"].tolist() == ["999"]
    assert unmatched["source_row"].dtype == "int64" and step.removed["erp_row"].dtype == "int64"
    assert sorted(fusion.products["product_id"]) == ["1", "2", "3"]  # the scored products are the merged ones


def test_a_shared_id_web_is_refused_with_the_keys_at_fault():
    liaison = read_source(pd.DataFrame({"product_id": [1, 2, 3], "id_web": [10, 10, 11]}), "liaison",
                          "liaison.xlsx").frame
    with pytest.raises(InputError) as err:
        refuse_shared_id_web(liaison, "liaison.xlsx")
    message = str(err.value)
    assert "« 10 »" in message and "id_web" in message and "lignes 2, 3" in message


def test_real_merge_leaves_out_111_erp_products_with_reasons(real_result):
    merge = real_result.step("merge")
    assert merge.removed_by_reason() == {NO_ID_WEB: 91, NOT_ON_WEB: 20}
    assert real_result.unmatched_web.empty
