"""Cells to values with no silent guess: keys, numbers under one decimal convention per column, texts."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bottleneck_core.io.values import (TEXT_DTYPE, BadValues, normalise_key, read_keys, read_numbers, read_texts,
                                       typed_column)


def texts(*values) -> pd.Series:
    return pd.Series(values, dtype=TEXT_DTYPE)


@pytest.mark.parametrize("value", [15298, 15298.0, " 15298 ", "15298", "15298.0", "15298,0", "1.5298E4", "15 298",
                                   "15\u00a0298", {"date": 15298.0, "text": "1941-11-18"}])
def test_keys_written_as_int_float_text_decimal_comma_thousands_or_a_date_are_one_key(value):
    assert normalise_key(value)[0] == "15298"


@pytest.mark.parametrize("value, key", [("bon-cadeau-25-euros", "bon-cadeau-25-euros"), ("13127-1", "13127-1"),
                                        ("NA", "NA"), ("007", "007"), (None, None), ("   ", None),
                                        (float("nan"), None)])
def test_text_keys_stay_text_and_blank_keys_are_missing(value, key):
    assert normalise_key(value)[0] == key


def test_only_keys_whose_writing_changed_count_as_repaired():
    keys, repaired = read_keys(texts("15298", " 15298 ", "15298.0", "15298,0", "abc", ""))
    assert keys.tolist()[:5] == ["15298"] * 4 + ["abc"] and pd.isna(keys.iloc[5])
    assert repaired.tolist() == [False, True, True, True, False, False]


def test_a_column_of_typed_and_text_keys_reads_each_cell_by_its_type():
    keys, repaired = read_keys(pd.Series([15298.0, "abc", {"date": 3847.0, "text": "1910-07-13"}, None], dtype=object))
    assert keys.tolist()[:3] == ["15298", "abc", "3847"] and repaired.tolist() == [False, False, True, False]


@pytest.mark.parametrize("cell", [True, {"error": "#N/A"}])
def test_a_boolean_or_an_excel_error_is_not_a_key(cell):
    with pytest.raises(BadValues) as bad:
        read_keys(pd.Series([15298.0, cell], dtype=object))
    assert bad.value.mask.tolist() == [False, True]


@pytest.mark.parametrize("values, numbers, repaired", [
    (["12,5", "3"], [12.5, 3.0], [False, False]),
    (["12.5", "3,430.00", "1,234"], [12.5, 3430.0, 1234.0], [False, True, True]),
    (["12,5", "3.430,00", "1.234"], [12.5, 3430.0, 1234.0], [False, True, True]),
    (["1 234,50 €", "12,5 €", "EUR 3"], [1234.5, 12.5, 3.0], [True, True, True]),
    (["-8", "+2", ""], [-8.0, 2.0, None], [False, False, False]),
])
def test_a_text_column_is_read_under_the_one_convention_all_its_values_agree_on(values, numbers, repaired):
    parsed, fixed = read_numbers(texts(*values))
    assert [None if np.isnan(v) else v for v in parsed] == numbers and fixed.tolist() == repaired


@pytest.mark.parametrize("values, fragment, rows", [
    (["12,5", "3,430.00", "7,25"], "écrits de deux façons", [1]),
    (["1.234", "5.678"], "valeurs ambiguës", [0, 1]),
    (["12", "douze", "3"], "ne sont pas des nombres", [1]),
])
def test_a_column_whose_numbers_cannot_be_read_without_guessing_stops_with_its_cells(values, fragment, rows):
    with pytest.raises(BadValues) as bad:
        read_numbers(texts(*values))
    assert fragment in bad.value.what and np.flatnonzero(bad.value.mask).tolist() == rows


@pytest.mark.parametrize("cell", [True, False, {"error": "#DIV/0!"}])
def test_booleans_and_excel_errors_in_a_number_column_are_unreadable(cell):
    with pytest.raises(BadValues) as bad:
        read_numbers(pd.Series([3.0, cell, 5.0], dtype=object))
    assert bad.value.mask.tolist() == [False, True, False] and "VRAI/FAUX ou erreur Excel" in bad.value.what


def test_a_number_shown_as_a_date_is_read_as_its_number_and_said():
    parsed, repaired = read_numbers(pd.Series([24.2, {"date": 3847.0, "text": "1910-07-13"}], dtype=object))
    assert parsed.tolist() == [24.2, 3847.0] and repaired.tolist() == [False, True]


def test_texts_lose_control_characters_and_excel_errors_are_flagged():
    cleaned, repaired = read_texts(pd.Series(["Château\tMargaux", "", {"error": "#N/A"}, 2010.0], dtype=object))
    assert cleaned.tolist()[0] == "Château Margaux" and pd.isna(cleaned.iloc[1])
    assert cleaned.tolist()[2:] == ["#N/A", "2010"] and repaired.tolist() == [True, False, True, False]


def test_typed_columns_read_without_a_loop_when_every_cell_agrees():
    assert typed_column([15298.0, None, 7818.0]).dtype == "float64"
    assert typed_column([1, None, 3]).dtype == "Int64"
    assert typed_column(["a", None, " b"]).dtype == TEXT_DTYPE
    assert typed_column([1.0, "1"]).dtype == object
    keys, _ = read_keys(typed_column([2**53 + 2, 3]))  # a large integer key keeps every digit
    assert keys.tolist() == [str(2**53 + 2), "3"]
