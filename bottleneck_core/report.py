"""rapport_ca.xlsx written from plain tables (lists of Python values, no pandas), so that a warm worker
process can write it on the second core while this one builds the other deliverables."""
from __future__ import annotations

import io
import math
from dataclasses import dataclass

NUMBER_FORMATS = {"euro": '#,##0.00 "€"', "int": "#,##0", "dec": "0.00", "z": "0.000"}
HEADER_STYLE = {"bold": True, "bg_color": "#F2E6EA", "border": 1}
MAX_WIDTH = 60


@dataclass(frozen=True)
class Column:
    """One column of a table sheet: its header, its values, how they are written and its width.

    kind "number": floats, NaN or None for a blank cell; "text": str or None; "any": each value by its type.
    """

    header: str
    values: list
    kind: str
    number_format: str | None = None
    width: int = 10


@dataclass(frozen=True)
class ReportTables:
    """Everything the report shows: products, key figures as (label, value, number format), checks."""

    products: list[Column]
    synthesis: list[tuple[str, object, str | None]]
    checks: list[Column]


def write_report(tables: ReportTables) -> bytes:
    """The workbook: "CA par produit", "Synthèse" and "Contrôles"; no data cell is a formula."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    header = book.add_format(HEADER_STYLE)
    formats = {key: book.add_format({"num_format": code}) for key, code in NUMBER_FORMATS.items()}
    _write_table(book.add_worksheet("CA par produit"), tables.products, header, formats)

    synthesis = book.add_worksheet("Synthèse")
    synthesis.write_row(0, 0, ["Indicateur", "Valeur"], header)
    for i, (label, value, kind) in enumerate(tables.synthesis, start=1):
        synthesis.write_string(i, 0, label)
        write_value(synthesis, i, 1, value, formats.get(kind or ""))
    synthesis.set_column(0, 0, 40)
    synthesis.set_column(1, 1, 28)
    synthesis.freeze_panes(1, 0)

    _write_table(book.add_worksheet("Contrôles"), tables.checks, header, formats)
    book.close()
    return buffer.getvalue()


def write_value(sheet, row: int, col: int, value: object, fmt=None) -> None:
    """One cell by the value's type: a blank for None or a non-finite number, "oui"/"non" for a boolean."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        sheet.write_string(row, col, "oui" if value else "non")
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value, fmt)
    else:
        sheet.write_string(row, col, str(value))


def _write_table(sheet, columns: list[Column], header_format, formats: dict) -> None:
    """A table with a bold frozen header, an autofilter and the given widths; text always stays text."""
    sheet.write_row(0, 0, [c.header for c in columns], header_format)
    rows = 0
    for j, column in enumerate(columns):
        fmt = formats.get(column.number_format or "")
        rows = max(rows, len(column.values))
        if column.kind == "number":
            write_number, write_blank = sheet.write_number, sheet.write_blank
            for i, value in enumerate(column.values, start=1):
                if value is None or value != value or value in (math.inf, -math.inf):
                    write_blank(i, j, None, fmt)
                else:
                    write_number(i, j, value, fmt)
        elif column.kind == "text":
            write_string, write_blank = sheet.write_string, sheet.write_blank
            for i, value in enumerate(column.values, start=1):
                if value is None:
                    write_blank(i, j, None, fmt)
                else:
                    write_string(i, j, value)
        else:
            for i, value in enumerate(column.values, start=1):
                write_value(sheet, i, j, value, fmt)
        sheet.set_column(j, j, min(column.width + 2, MAX_WIDTH))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(rows, 1), len(columns) - 1)
    sheet.ignore_errors({"number_stored_as_text": f"A1:C{rows + 1}"})
