"""rapport_ca.xlsx, the file that gets forwarded: revenue per product, the premium and ordinary wines, the key
figures beside the previous month's, and every check; written with XlsxWriter. No cell from the data is ever a
formula; a list longer than a sheet holds goes on in the next sheet."""
from __future__ import annotations

import io
import math

import pandas as pd
import xlsxwriter

from ..labels import COLUMN_LABELS
from ..pipeline import PipelineResult
from .tables import PRODUCT_COLUMNS, WINE_COLUMNS, change, check_rows, key_figures

MAX_SHEET_ROWS = 1_048_576  # Excel's limit, header included
MAX_TEXT = 32_767  # Excel's limit for one cell
MAX_WIDTH = 60
NUMBER_FORMATS = {"€": '#,##0.00 "€"', "int": "#,##0", "count": "#,##0", "dec": "0.00", "z": "0.0000", "%": "0.0 %"}
COLUMN_KINDS = {"price": "€", "revenue": "€", "total_sales": "count", "price_zscore": "z"}
PRODUCTS, PREMIUM, ORDINARY, SYNTHESIS, CHECKS = ("CA par produit", "Vins premium", "Vins ordinaires", "Synthèse",
                                                  "Contrôles")


def write_report(result: PipelineResult) -> bytes:
    """The workbook's five sheets, in the order a reader wants them."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    formats = {"header": book.add_format({"bold": True, "bg_color": "#F2E6EA", "border": 1, "text_wrap": True}),
               **{kind: book.add_format({"num_format": code}) for kind, code in NUMBER_FORMATS.items()}}
    products = result.products
    for name, frame, columns in ((PRODUCTS, products, PRODUCT_COLUMNS), (PREMIUM, result.premium, WINE_COLUMNS),
                                 (ORDINARY, result.ordinary, WINE_COLUMNS)):
        write_frame(book, formats, name, frame[columns])
    write_synthesis(book, formats, result)
    write_checks(book, formats, check_rows(result.checks))
    book.close()
    return buffer.getvalue()


def write_frame(book: xlsxwriter.Workbook, formats: dict, name: str, frame: pd.DataFrame) -> None:
    """A product list with French headers, continued on further sheets past Excel's row limit."""
    per_sheet = MAX_SHEET_ROWS - 1
    parts = max(1, math.ceil(len(frame) / per_sheet))
    for part in range(parts):
        chunk = frame.iloc[part * per_sheet:(part + 1) * per_sheet]
        sheet = book.add_worksheet(name if part == 0 else f"{name} ({part + 1})"[:31])
        headers = [COLUMN_LABELS[c] for c in frame.columns]
        sheet.write_row(0, 0, headers, formats["header"])
        for j, column in enumerate(frame.columns):
            kind = COLUMN_KINDS.get(column)
            values = chunk[column].tolist()
            if kind:
                for i, v in enumerate(values, start=1):
                    if _finite(v):
                        sheet.write_number(i, j, v, formats[kind])
            else:
                for i, v in enumerate(values, start=1):
                    if isinstance(v, str):
                        sheet.write_string(i, j, v[:MAX_TEXT])
            width = max([len(headers[j])] + [len(str(v)) for v in values[:2000] if v is not None]) + 2
            sheet.set_column(j, j, min(width + (4 if kind == "€" else 0), MAX_WIDTH))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(chunk), 1), len(frame.columns) - 1)
        if parts > 1:
            sheet.write_comment(0, 0, f"Liste trop longue pour une feuille : partie {part + 1} sur {parts}.")


def write_synthesis(book: xlsxwriter.Workbook, formats: dict, result: PipelineResult) -> None:
    """The key figures, with the previous recorded month's beside them when the history holds it."""
    sheet = book.add_worksheet(SYNTHESIS)
    with_previous = result.previous is not None
    headers = ["Indicateur", "Ce mois"] + (["Mois précédent", "Écart"] if with_previous else [])
    sheet.write_row(0, 0, headers, formats["header"])
    for i, (label, value, unit, before) in enumerate(key_figures(result), start=1):
        sheet.write_string(i, 0, label)
        _write_value(sheet, formats, i, 1, value, unit)
        if with_previous:
            _write_value(sheet, formats, i, 2, before, unit)
            moved = change(value, before)
            if moved is not None:
                sheet.write_number(i, 3, moved, formats["%"])
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, len(headers) - 1, 22)
    sheet.freeze_panes(1, 0)
    if result.simulated:
        sheet.write_string(i + 2, 0, "Seuil simulé : ce n'est pas l'analyse de référence du mois.")


def write_checks(book: xlsxwriter.Workbook, formats: dict, rows: pd.DataFrame) -> None:
    """Every check, titles first, values in their unit, the identifier last."""
    sheet = book.add_worksheet(CHECKS)
    columns = [c for c in rows.columns if c != "Unité"]
    sheet.write_row(0, 0, columns, formats["header"])
    for i, values in enumerate(rows.to_dict(orient="records"), start=1):
        for j, column in enumerate(columns):
            unit = values["Unité"] if column in ("Attendu", "Obtenu") else ("int" if column == "Lignes en cause" else "")
            _write_value(sheet, formats, i, j, values[column], unit)
    widths = {"Étape": 30, "Contrôle": 45, "Gravité": 14, "Statut": 14, "Attendu": 16, "Obtenu": 16,
              "Lignes en cause": 10, "Message": 80, "Identifiant": 30}
    for j, column in enumerate(columns):
        sheet.set_column(j, j, widths.get(column, 16))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)


def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _write_value(sheet, formats: dict, row: int, column: int, value: object, unit: str) -> None:
    """One cell by its value's type: a number in its unit's format, a text as text, nothing when missing."""
    if isinstance(value, bool):
        sheet.write_string(row, column, "oui" if value else "non")
    elif _finite(value):
        number_format = formats.get(unit) or (formats["int"] if float(value).is_integer() else formats["dec"])
        sheet.write_number(row, column, value, number_format)
    elif isinstance(value, str):
        sheet.write_string(row, column, value[:MAX_TEXT])
