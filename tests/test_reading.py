"""Reading: every format, keys normalised to text, headers folded, contract errors in French."""
from __future__ import annotations

import io

import pandas as pd
import pytest

from bottleneck_core.errors import InputError
from bottleneck_core.reading import (TEXT_DTYPE, identify, normalise_key, normalise_keys, parse_number,
                                      read_source)
from bottleneck_core.schemas import fold_header, guess_kind
from bottleneck_core.workbook import typed_column


@pytest.mark.parametrize("value", [15298, 15298.0, " 15298 ", "15298", "15298.0", "1.5298E4"])
def test_keys_written_as_int_float_or_text_are_one_key(value):
    assert normalise_key(value)[0] == "15298"


@pytest.mark.parametrize("value, key", [("bon-cadeau-25-euros", "bon-cadeau-25-euros"), ("13127-1", "13127-1"),
                                        ("NA", "NA"), (None, None), ("   ", None), (float("nan"), None)])
def test_text_keys_stay_text_and_blank_keys_are_missing(value, key):
    assert normalise_key(value)[0] == key


def test_only_text_keys_that_change_count_as_repaired():
    assert normalise_key(15298.0)[1] is False
    assert normalise_key("15298")[1] is False
    assert normalise_key(" 15298 ")[1] is True
    assert normalise_key("15298.0")[1] is True


@pytest.mark.parametrize("text, value, repaired", [("12,5 €", 12.5, True), ("12,5", 12.5, False),
                                                   ("1 234,50", 1234.5, True), ("24.2", 24.2, False),
                                                   ("-8", -8.0, False), ("", None, False)])
def test_numbers_written_as_text_are_read(text, value, repaired):
    number, was_repaired, bad = parse_number(text)
    assert (number, was_repaired, bad) == (value, repaired, False)


def test_unreadable_number_names_file_column_and_rows():
    frame = pd.DataFrame({"product_id": [1, 2, 3], "price": [1.0, "douze", 3.0], "stock_quantity": [1, 1, 1]})
    with pytest.raises(InputError) as err:
        read_source(frame, "erp", "erp.csv")
    message = str(err.value)
    assert "erp.csv" in message and "« price »" in message and "ligne 3" in message and "« douze »" in message


@pytest.mark.parametrize("header", ["Product_ID", "  product_id ", "PRODUCT ID", "prodúct_id"])
def test_headers_match_after_trimming_case_spaces_and_accents(header):
    assert fold_header(header) == "product_id"


def test_wrong_file_in_a_slot_says_which_export_it_looks_like(real_paths):
    _, _, web = real_paths
    with pytest.raises(InputError) as err:
        read_source(web, "erp")
    assert "ressemble à l'export WEB" in str(err.value)
    assert "« product_id »" in str(err.value)


def test_guess_kind_recognises_each_real_export(real_paths):
    for path, kind in zip(real_paths, ("erp", "liaison", "web")):
        headers = list(pd.read_excel(path, engine="calamine", nrows=0).columns)
        assert guess_kind(headers) == kind


def _real_frames(real_paths):
    return [pd.read_excel(p, engine="calamine") for p in real_paths]


def test_csv_with_semicolon_and_decimal_comma_reads_like_xlsx(real_paths):
    erp = _real_frames(real_paths)[0]
    data = erp.to_csv(sep=";", decimal=",", index=False).encode("utf-8-sig")
    from_csv = read_source(data, "erp", "erp.csv").frame
    from_xlsx = read_source(real_paths[0], "erp").frame
    pd.testing.assert_frame_equal(from_csv, from_xlsx, check_dtype=False)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_csv_encodings_are_detected(encoding):
    text = "product_id,id_web\n1,Château\n2,15298\n"
    table = read_source(text.encode(encoding), "liaison", "liaison.csv")
    assert table.frame["id_web"].tolist() == ["Château", "15298"]


def test_parquet_reads_like_xlsx(real_paths):
    web = _real_frames(real_paths)[2]
    buffer = io.BytesIO()
    web.astype({"sku": "string"}).to_parquet(buffer)
    from_parquet = read_source(buffer.getvalue(), "web", "web.parquet").frame
    from_xlsx = read_source(real_paths[2], "web").frame
    assert from_parquet["sku"].tolist() == from_xlsx["sku"].tolist()
    assert from_parquet["total_sales"].fillna(-1).tolist() == from_xlsx["total_sales"].fillna(-1).tolist()


def test_file_object_and_bytes_and_path_read_alike(real_paths):
    path = real_paths[1]
    data = path.read_bytes()
    by_path = read_source(path, "liaison").frame
    by_bytes = read_source(data, "liaison").frame
    by_object = read_source(io.BytesIO(data), "liaison").frame
    pd.testing.assert_frame_equal(by_path, by_bytes)
    pd.testing.assert_frame_equal(by_path, by_object)


def test_unknown_columns_are_listed_not_used():
    frame = pd.DataFrame({"product_id": [1], "id_web": [2], 'a" FROM t; DROP TABLE x; SELECT "a': [3]})
    table = read_source(frame, "liaison")
    assert table.unknown_columns == ('a" FROM t; DROP TABLE x; SELECT "a',)
    assert list(table.frame.columns) == ["product_id", "id_web", "source_row"]


def test_rows_are_numbered_as_in_the_spreadsheet(real_paths):
    frame = read_source(real_paths[0], "erp").frame
    assert frame["source_row"].iloc[0] == 2
    assert frame["source_row"].iloc[-1] == 826


def test_typed_columns_read_like_cell_by_cell():
    # The worker's cells become typed columns when they can; the keys must not change with the path taken.
    cells = [15298.0, None, 7818.0, 2.0**53 + 2, 1.5]
    for column in (cells[:3], cells[:4], cells):
        typed = typed_column(column)
        assert typed.dtype == "float64"
        keys, repaired = normalise_keys(typed)
        expected = [normalise_key(v)[0] for v in column]
        assert [None if pd.isna(k) else k for k in keys] == expected and not repaired.any()
    assert typed_column(["a", None, " b"]).dtype == TEXT_DTYPE
    assert typed_column([1.0, "1"]).dtype == object


def test_an_identified_export_is_analysed_without_being_read_again(real_paths):
    guesses = [identify(p.read_bytes(), p.name) for p in real_paths]
    assert [g.kind for g in guesses] == ["erp", "liaison", "web"] and all(g.table is not None for g in guesses)
    assert read_source(guesses[0].table, "erp") is guesses[0].table
    with pytest.raises(InputError, match="export WEB, pas l'export ERP"):
        read_source(guesses[2].table, "erp")


def test_a_file_recognised_but_with_broken_values_is_told_by_the_analysis():
    data = pd.DataFrame({"product_id": [1, 2], "price": ["12,5", "douze"], "stock_quantity": [1, 2]})
    buffer = io.BytesIO()
    data.to_csv(buffer, index=False, sep=";")
    guess = identify(buffer.getvalue(), "erp.csv")
    assert guess.kind == "erp" and guess.table is None
    with pytest.raises(InputError, match="douze"):
        read_source(buffer.getvalue(), "erp", "erp.csv")
