"""CSV files: decoded without raising or garbling UTF-8, the separator chosen by structure, physical line numbers,
a trailing separator handled and said, a bounded width."""
from __future__ import annotations

import pytest

from bottleneck_core.errors import InputError
from bottleneck_core.io.contracts import USED_COLUMNS
from bottleneck_core.io.reading import read_source
from bottleneck_core.io.textfile import choose_separator, decode, read_csv


def sheet(text: bytes | str, name: str = "f.csv") -> dict:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return read_csv(data, name, "csv", USED_COLUMNS)


def test_a_utf8_file_with_one_stray_windows_byte_keeps_its_accents_and_names_the_line():
    data = "sku;post_title\n1;Château Margaux\n2;Côte\n".encode("utf-8") + b"3;Cr\xe9mant\n"
    text, encoding, bad = decode(data)
    assert encoding == "utf-8" and "Château Margaux" in text and "Cr\ufffdmant" in text
    assert bad == [(4, "octet 0xE9")]


def test_a_windows_1252_file_is_read_as_such():
    text, encoding, bad = decode("sku;post_title\n1;Crémant\n".encode("cp1252"))
    assert (encoding, bad) == ("cp1252", []) and "Crémant" in text


def test_a_utf16_file_with_an_odd_number_of_bytes_loses_only_its_half_character_and_says_so():
    text, encoding, bad = decode("product_id,id_web\n1,Château\n".encode("utf-16")[:-1])
    assert (encoding, text, bad) == ("utf-16", "product_id,id_web\n1,Château", [(2, "octet final incomplet, retiré")])


def test_a_lone_surrogate_in_utf16_never_raises_and_is_counted():
    text, encoding, bad = decode(b"\xff\xfep\x00_\x00\x00\xd8,\x00")
    assert (encoding, text, bad) == ("utf-16", "p_\ufffd,", [(1, "caractère illisible")])


def test_a_semicolon_file_whose_texts_hold_commas_stays_a_semicolon_file():
    text = "sku;total_sales;post_title\n1;3;Rouge, fruité, long\n2;4;Blanc, sec\n3;0;Rosé\n"
    assert choose_separator(text) == ";"
    assert sheet(text)["columns"]["post_title"] == ["Rouge, fruité, long", "Blanc, sec", "Rosé"]


def test_a_comma_file_with_decimal_points_is_a_comma_file():
    assert choose_separator("product_id,price,stock_quantity\n1,12.5,3\n2,8.25,0\n") == ","


def test_rows_carry_their_physical_line_even_after_blank_lines_and_quoted_line_breaks():
    parsed = sheet('product_id;id_web\n1;10\n\n\n2;"a\nb"\n3;12\n')
    assert parsed["rows"] == [2, 5, 7]


def test_an_unreadable_value_names_its_physical_line():
    with pytest.raises(InputError) as err:
        read_source("product_id;price;stock_quantity\n1;2;3\n\n\n2;douze;3\n".encode(), "erp", "erp.csv")
    assert "ligne 5" in str(err.value) and "« douze »" in str(err.value)


def test_a_trailing_separator_on_data_lines_is_dropped_and_said():
    table = read_source(b"product_id;id_web\n1;10;\n2;11;\n", "liaison", "liaison.csv")
    assert table.frame["id_web"].tolist() == ["10", "11"]
    assert table.adjustments["source_row"].tolist() == [2, 3]
    assert set(table.adjustments["repaired"]) == {"colonne vide sans en-tête retirée"}


def test_a_line_with_more_values_than_the_header_is_refused_with_its_line():
    with pytest.raises(InputError) as err:
        sheet("product_id;id_web\n1;10\n2;11;99;100\n3;12\n")
    assert "plus de valeurs que l'en-tête" in str(err.value) and "ligne 3" in str(err.value)


def test_a_header_present_twice_is_refused_as_in_a_workbook():
    with pytest.raises(InputError, match="la colonne « price » apparaît deux fois"):
        read_source(b"product_id;price;stock_quantity;Price\n1;2;3;4\n", "erp", "erp.csv")


def test_a_header_of_too_many_columns_is_refused_at_once():
    with pytest.raises(InputError, match="l'en-tête compte 250 000 colonnes"):
        sheet(";".join(f"c{i}" for i in range(250_000)) + "\n")


def test_a_cell_beyond_a_megabyte_is_refused():
    with pytest.raises(InputError, match="dépasse 1 Mo"):
        sheet("sku;post_title\n1;" + "x" * (2 << 20) + "\n")
