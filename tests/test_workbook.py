"""Workbooks: inspected before any parser (bounded, no loop over cells), then read with calamine; Excel error
cells and numbers shown as dates come back as what they are."""
from __future__ import annotations

import datetime
import io

import openpyxl
import pytest

from bottleneck_core.errors import InputError
from bottleneck_core.io.contracts import USED_COLUMNS
from bottleneck_core.io.workbook import column_number, inspect_xlsx, read_workbook


def workbook(rows: list[list], build=None) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    if build:
        build(book.active)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("letters, number", [(b"A", 1), (b"Z", 26), (b"AA", 27), (b"AB", 28), (b"XFD", 16384)])
def test_column_letters_read_as_numbers(letters, number):
    assert column_number(letters) == number


def test_a_far_cell_is_refused_before_any_parser():
    data = workbook([["product_id", "price", "stock_quantity"], [1, 10.0, 2]], lambda s: s.__setitem__("XFD1048576", "x"))
    with pytest.raises(InputError, match="plage utilisée de 1048576 lignes sur 16384 colonnes"):
        inspect_xlsx(data, "bombe.xlsx")


def test_a_long_sheet_of_two_letter_columns_is_measured_exactly_and_accepted():
    # 30 000 rows reaching column AB pass the cheap bound (702 columns) no longer: the exact widest column is found.
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, [f"c{j}" for j in range(28)])
    for i in range(1, 30_001):
        sheet.write_number(i, 0, i)
        sheet.write_number(i, 27, i)
    book.close()
    assert inspect_xlsx(buffer.getvalue(), "long.xlsx") == {0: []}


def test_excel_error_cells_are_found_where_calamine_sees_blanks():
    def errors(sheet):
        sheet["B3"] = "#DIV/0!"
        sheet["C4"] = "#N/A"
    data = workbook([["product_id", "price", "stock_quantity"], [1, 10.0, 2], [2, None, 3], [3, 4.0, None]], errors)
    assert inspect_xlsx(data, "erp.xlsx") == {0: [(3, 2, "#DIV/0!"), (4, 3, "#N/A")]}
    sheet = read_workbook(data, "erp.xlsx", "xlsx", USED_COLUMNS)
    assert sheet["columns"]["price"] == [10.0, {"error": "#DIV/0!"}, 4.0]
    assert sheet["columns"]["stock_quantity"] == [2.0, 3.0, {"error": "#N/A"}]


def test_a_number_formatted_as_a_date_comes_back_with_its_number():
    def as_date(sheet):
        sheet["A2"].number_format = "yyyy-mm-dd"
    data = workbook([["product_id", "id_web"], [3847, 15298], [datetime.date(1910, 7, 13), 7818]], as_date)
    keys = read_workbook(data, "liaison.xlsx", "xlsx", USED_COLUMNS)["columns"]["product_id"]
    assert [k["date"] if isinstance(k, dict) else k for k in keys] == [3847.0, 3847.0]


def test_data_after_blank_rows_keeps_its_spreadsheet_row_numbers():
    data = workbook([[None], [None], ["product_id", "id_web"], [1, 10], [None, None], [2, 11]])
    sheet = read_workbook(data, "liaison.xlsx", "xlsx", USED_COLUMNS)
    assert sheet["rows"] == [4, 5, 6] and sheet["columns"]["product_id"] == [1.0, None, 2.0]
