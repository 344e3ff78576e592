"""rapport_ca.xlsx written from plain tables (lists of Python values, no pandas), so that a warm worker
process can write it on the second core while this one builds the other deliverables.

The writer is rustpy-xlsxwriter (Python bindings of rust_xlsxwriter, by XlsxWriter's author): it writes the
report in about a fifth of XlsxWriter's time, measured on the real exports. Every cell is given as the type
it must have: text stays text (a title starting with "=" is never a formula), a number is a number."""
from __future__ import annotations

import io
import math
from dataclasses import dataclass

NUMBER_FORMATS = {"euro": '#,##0.00 "€"', "int": "#,##0", "dec": "0.00", "z": "0.000"}
HEADER_FILL = "#F2E6EA"
MAX_WIDTH = 60
MAX_TEXT = 32_767  # Excel's limit for one cell; longer text is cut, as Excel itself would refuse it
PRODUCTS, SYNTHESIS, CHECKS = "CA par produit", "Synthèse", "Contrôles"
SYNTHESIS_HEADERS = ("Indicateur", "Valeur")


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
    from rustpy_xlsxwriter import Format, write_worksheets

    formats = {key: Format().set_num_format(code) for key, code in NUMBER_FORMATS.items()}
    synthesis = [dict(zip(SYNTHESIS_HEADERS, (cell_text(label), cell_value(value))))
                 for label, value, _ in tables.synthesis]
    buffer = io.BytesIO()
    write_worksheets(
        [(PRODUCTS, records(tables.products)), (SYNTHESIS, synthesis or [dict.fromkeys(SYNTHESIS_HEADERS)]),
         (CHECKS, records(tables.checks))],
        buffer,
        freeze_panes={"general": {"row": 1, "col": 0}},
        header_format={"general": Format().set_bold().set_background_color(HEADER_FILL).set_border("thin")},
        column_widths={PRODUCTS: widths(tables.products), SYNTHESIS: [40, 28], CHECKS: widths(tables.checks)},
        column_formats={name: {c.header: formats[c.number_format] for c in columns if c.number_format}
                        for name, columns in ((PRODUCTS, tables.products), (CHECKS, tables.checks))},
        row_formats={SYNTHESIS: {i: formats[kind] for i, (_, _, kind) in enumerate(tables.synthesis, start=1)
                                 if kind}},
        autofilter={PRODUCTS: True, CHECKS: True},
        ignore_errors={PRODUCTS: [c.header for c in tables.products if c.kind == "text"]},  # ids kept as text
    )
    return buffer.getvalue()


def records(columns: list[Column]) -> list[dict]:
    """A table's rows as dicts of cells of the right type; one empty row when there is none, so that the
    header and its filter are still written."""
    converters = {"number": cell_number, "text": cell_text, "any": cell_value}
    cells = [[converters[c.kind](v) for v in c.values] for c in columns]
    headers = [c.header for c in columns]
    rows = [dict(zip(headers, row)) for row in zip(*cells)]
    return rows or [dict.fromkeys(headers)]


def widths(columns: list[Column]) -> list[int]:
    return [min(c.width + 2, MAX_WIDTH) for c in columns]


def cell_number(value: object) -> float | None:
    """A number, or None (a blank cell) when missing or not finite."""
    if value is None or not math.isfinite(value):
        return None
    return value


def cell_text(value: object) -> str | None:
    return None if value is None else str(value)[:MAX_TEXT]


def cell_value(value: object) -> object:
    """One cell by the value's type: blank for None or a non-finite number, "oui"/"non" for a boolean."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (int, float)):
        return cell_number(value)
    return cell_text(value)
