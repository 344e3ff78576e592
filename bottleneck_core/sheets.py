"""The worker side of workbook reading: python-calamine only, plain Python values out (no pandas)."""
from __future__ import annotations

import io
from dataclasses import dataclass

from .errors import InputError
from .schemas import CONTRACTS, fold_header

# Only these columns' values travel back from the worker; the others are listed by name only.
USED_COLUMNS = frozenset(column for contract in CONTRACTS.values() for column in contract.used)

ADVICE = "Ouvrez-le dans Excel, enregistrez-le au format .xlsx puis déposez-le de nouveau."
_ENCRYPTED_OLE = "EncryptionInfo".encode("utf-16-le")


@dataclass(frozen=True)
class SheetCells:
    """The cells of the data sheet: every header, and one list of values (None for empty) per used column."""

    headers: list[str]
    columns: dict[str, list]
    n_rows: int
    first_row: int
    sheet: str | None


def read_sheet(data: bytes, file_name: str, fmt: str) -> SheetCells:
    """The first visible sheet holding data, read with python-calamine; every failure is an InputError."""
    if fmt == "ole" and _ENCRYPTED_OLE in data:
        raise InputError("le classeur est protégé par un mot de passe.", file=file_name,
                         hint="Enregistrez-en une copie sans mot de passe puis déposez-la.")
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        chosen = None
        for index, meta in enumerate(workbook.sheets_metadata):
            if str(meta.visible).endswith("Visible") and str(meta.typ).endswith("WorkSheet"):
                sheet = workbook.get_sheet_by_index(index)
                rows = sheet.to_python()
                if any(any(cell != "" for cell in row) for row in rows):
                    chosen = (meta.name, sheet.start, rows)
                    break
        sheet_count = len(workbook.sheet_names)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # calamine's Rust panics derive from BaseException
        kind = "un ancien classeur .xls illisible" if fmt == "ole" else "un classeur endommagé"
        raise InputError(f"c'est {kind} : son contenu ne peut pas être lu.", file=file_name, hint=ADVICE) from None
    if chosen is None:
        raise InputError("aucune feuille visible du classeur ne contient de données.", file=file_name,
                         hint="Affichez la feuille des données ou placez-la en premier, puis enregistrez.")
    name, start, rows = chosen
    first = next(i for i, row in enumerate(rows) if any(cell != "" for cell in row))
    body = rows[first + 1:]
    headers: list[str] = []
    columns: dict[str, list] = {}
    for j, header in enumerate(rows[first]):
        text = _header_text(header)
        if not text and all(row[j] == "" for row in body if j < len(row)):
            continue
        label = text or f"colonne_{j + 1}"
        headers.append(label)
        if fold_header(label) in USED_COLUMNS and label not in columns:
            columns[label] = [(row[j] if j < len(row) else "") for row in body]
            columns[label] = [None if v == "" else v for v in columns[label]]
    header_row = (start[0] if start else 0) + first + 1  # 1-based spreadsheet row of the header
    return SheetCells(headers, columns, len(body), header_row + 1, name if sheet_count > 1 else None)


def _header_text(cell: object) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()
