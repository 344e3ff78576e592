"""Fusion: inner joins on normalised keys; every ERP product left out has its reason; shared id_web refused."""
from __future__ import annotations

import pandas as pd
import pytest

from bottleneck_core.errors import InputError
from bottleneck_core.io.reading import read_source
from bottleneck_core.steps.cleaning import clean_erp, clean_liaison, clean_web, dedup_web
from bottleneck_core.steps.merging import NO_ID_WEB, NOT_ON_WEB, merge_sources, refuse_shared_id_web


def _cleaned(con, erp, liaison, web):
    return (clean_erp(con, read_source(erp, "erp").frame).output,
            clean_liaison(con, read_source(liaison, "liaison").frame).output,
            dedup_web(con, clean_web(read_source(web, "web").frame).output).output)


def test_merge_joins_keys_written_as_int_float_and_text(con, tiny_erp, tiny_liaison, tiny_web):
    step, unmatched = merge_sources(con, *_cleaned(con, tiny_erp, tiny_liaison, tiny_web))
    assert step.output["product_id"].tolist() == ["1", "2", "3"]  # in ERP order
    assert step.output[["erp_row", "liaison_row", "web_row"]].values.tolist() == [[2, 2, 2], [3, 3, 4], [4, 4, 6]]
    assert step.rows_in == step.rows_out + step.rows_removed == 5
    assert step.removed.set_index("product_id")["motif"].to_dict() == {"4": NO_ID_WEB, "5": NOT_ON_WEB}
    assert unmatched["sku"].tolist() == ["999"] and unmatched["source_row"].tolist() == [9]


def test_merge_is_the_join_only(con, tiny_erp, tiny_liaison, tiny_web):
    step, _ = merge_sources(con, *_cleaned(con, tiny_erp, tiny_liaison, tiny_web))
    assert "revenue" not in step.output and "price_zscore" not in step.output


def test_a_shared_id_web_is_refused_with_the_keys_at_fault():
    liaison = read_source(pd.DataFrame({"product_id": [1, 2, 3], "id_web": [10, 10, 11]}), "liaison").frame
    with pytest.raises(InputError) as err:
        refuse_shared_id_web(liaison, "liaison.xlsx")
    message = str(err.value)
    assert message.startswith("Fichier « liaison.xlsx », colonne « id_web », lignes 2, 3 : ")
    assert "« 10 » (produits 1, 2)" in message


def test_real_merge_leaves_out_111_erp_products_with_reasons(real_result):
    assert real_result.step("merge").removed_by_reason() == {NO_ID_WEB: 91, NOT_ON_WEB: 20}
    assert real_result.unmatched_web.empty


def test_a_title_written_in_html_by_woocommerce_reads_as_people_write_it(real_result):
    from bottleneck_core.steps.merging import readable_titles

    titles = pd.Series(["Champagne Agrapart &amp; Fils", "Château d'Yquem", None], dtype="str")
    assert readable_titles(titles).tolist()[:2] == ["Champagne Agrapart & Fils", "Château d'Yquem"]
    assert readable_titles(titles).isna().tolist() == [False, False, True]
    names = real_result.products["name"]
    assert not names.str.contains("&amp;", regex=False).any()  # five titles of the real WEB export are escaped
    assert names.str.contains("Agrapart & Fils", regex=False).sum() >= 3
