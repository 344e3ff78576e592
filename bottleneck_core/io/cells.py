"""A parsed file as plain data, built in the parsing process: every header, the values of the columns the
analysis may use, the file's own row number of each data row, a few values of every column (to propose a
column for a missing one) and what reading had to adjust. Only JSON types leave that process."""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from itertools import islice

SAMPLE_VALUES = 20
SAMPLE_SCAN_ROWS = 500
_EXCEL_EPOCH = datetime(1899, 12, 30)
_PLAIN = {float, int, str, bool, type(None)}

Sheet = dict  # {"headers", "columns", "rows", "sheet", "samples", "notes"}: what crosses the process boundary


def fold_header(header: object) -> str:
    """A column name as matched: trimmed, lower-case, accents removed, spaces and dashes as `_`."""
    text = unicodedata.normalize("NFKD", str(header)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def header_text(cell: object) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return "" if cell is None else str(cell).strip()


def excel_serial(value: object) -> float:
    """A date or time as the number Excel stores for it (1910-07-13 is 3847)."""
    if isinstance(value, datetime):
        return (value - _EXCEL_EPOCH).total_seconds() / 86400
    if isinstance(value, date):
        return float((value - _EXCEL_EPOCH.date()).days)
    if isinstance(value, time):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    return value.total_seconds() / 86400  # timedelta


def plain_value(value: object) -> object:
    """A cell as a JSON value: dates tagged with their Excel number, other types as text."""
    if type(value) in _PLAIN:
        return None if value == "" else value
    if isinstance(value, (datetime, date, time, timedelta)):
        return {"date": excel_serial(value), "text": str(value)}
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    try:
        return float(value)  # Decimal and numpy scalars
    except (TypeError, ValueError):
        return str(value)


def plain_column(values: list) -> list:
    """A column's cells as JSON values; the common case (numbers, text, blanks) without a call per cell."""
    if set(map(type, values)) <= _PLAIN:
        return [None if v == "" else v for v in values]
    return [plain_value(v) for v in values]


def sheet_from_rows(header: list, body: list[list], row_numbers: list[int], wanted: frozenset[str],
                    sheet_name: str | None = None, marks: dict | None = None, notes: list | None = None) -> Sheet:
    """A sheet from its header row and its data rows (as lists of cells, "" or None for blank)."""
    headers, columns, samples = [], {}, {}
    marks = marks or {}
    for j, cell in enumerate(header):
        text = header_text(cell)
        if not text and all(row[j] in ("", None) for row in body if j < len(row)):
            continue  # an unnamed, empty column: nothing to read
        label = text or f"colonne_{j + 1}"
        headers.append(label)
        if fold_header(label) in wanted and label not in columns:
            values = plain_column([row[j] if j < len(row) else "" for row in body])
            for (i, column), mark in marks.items():
                if column == j and 0 <= i < len(values):
                    values[i] = mark
            columns[label] = values
        if label not in samples:
            found = (row[j] for row in islice(body, SAMPLE_SCAN_ROWS) if j < len(row) and row[j] not in ("", None))
            samples[label] = [plain_value(v) for v in islice(found, SAMPLE_VALUES)]
    return {"headers": headers, "columns": columns, "rows": row_numbers, "sheet": sheet_name, "samples": samples,
            "notes": notes or []}
