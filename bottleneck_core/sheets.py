"""Workbook reading, run in the isolated worker: a bounded inspection of the zip before any parser,
then python-calamine; plain Python values out (no pandas, so the worker starts fast)."""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from .errors import InputError
from .schemas import CONTRACTS, fold_header

# Only these columns' values travel back from the worker; the others are listed by name only.
USED_COLUMNS = frozenset(column for contract in CONTRACTS.values() for column in contract.used)

ADVICE = "Ouvrez-le dans Excel, enregistrez-le au format .xlsx puis déposez-le de nouveau."
_ENCRYPTED_OLE = "EncryptionInfo".encode("utf-16-le")

MAX_MEMBERS = 2_000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 150  # deflate rarely exceeds ~30 on spreadsheet XML; a bomb goes far above
RATIO_FLOOR = 5 * 1024 * 1024  # small members may have any ratio
MAX_USED_CELLS = 20_000_000  # cells calamine would allocate for the used range
SPARSE_FACTOR = 50  # the used range may be at most this many times larger than the cells present
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]{1,3}[0-9]{1,7}:)?([A-Z]{1,3})([0-9]{1,7})"')


def column_number(letters: bytes) -> int:
    """Excel column letters as a 1-based number: A is 1, XFD is 16384."""
    number = 0
    for char in letters:
        number = number * 26 + (char - 64)
    return number


def inspect_xlsx(data: bytes, file_name: str) -> None:
    """Refuse a workbook whose zip or used range could exhaust memory, before any parser opens it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise InputError("le classeur est endommagé ou tronqué (archive illisible).", file=file_name,
                         hint=ADVICE) from None
    names = {m.filename for m in members}
    if len(members) > MAX_MEMBERS:
        raise InputError(f"l'archive contient {len(members)} éléments, bien plus qu'un classeur.",
                         file=file_name, hint=ADVICE)
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise InputError("ce fichier est une archive zip mais pas un classeur Excel.", file=file_name,
                         hint="Déposez l'export au format .xlsx, .csv ou .parquet.")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise InputError(f"le classeur se décompresse en {total // 2**20} Mo, au-delà de la limite de "
                         f"{MAX_UNCOMPRESSED // 2**20} Mo.", file=file_name,
                         hint="Réduisez l'export aux colonnes utiles ou déposez-le en .csv ou .parquet.")
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise InputError(f"l'élément « {member.filename} » se décompresse {ratio:.0f} fois : "
                             "contenu anormal (bombe de décompression).", file=file_name, hint=ADVICE)
    try:
        for member in members:
            if member.filename.endswith((".xml", ".rels", ".vml")):
                with archive.open(member) as stream:
                    prolog = stream.read(4096)
                if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
                    raise InputError(f"l'élément « {member.filename} » déclare des entités XML, "
                                     "ce qu'un classeur Excel ne fait jamais.", file=file_name, hint=ADVICE)
        for member in members:
            if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                _check_used_range(archive, member, file_name)
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, NotImplementedError, RuntimeError):
        raise InputError("le classeur est endommagé, tronqué ou chiffré.", file=file_name,
                         hint=ADVICE) from None


_ROW_REF = re.compile(rb'<row [^>]*?r="([0-9]{1,7})"')
_THREE_LETTER_REF = re.compile(rb'<c r="[A-Z]{3}')
_TWO_LETTER_REF = re.compile(rb'<c r="[A-Z]{2}')


def _check_used_range(archive: zipfile.ZipFile, member: zipfile.ZipInfo, file_name: str) -> None:
    """A used range far larger than the sheet's cells is a memory bomb: refuse it before any parser."""
    with archive.open(member) as stream:
        xml = stream.read()  # bounded by the size and ratio checks above
    cells = xml.count(b"<c ")
    rows = _ROW_REF.findall(xml)
    max_row = max((int(r) for r in rows), default=0)
    dimension = _DIMENSION.search(xml, 0, 8192)
    if dimension:
        max_row = max(max_row, int(dimension.group(2)))
    # A cheap bound on the widest column first; the exact scan only when the bound is not enough.
    letters = len(dimension.group(1)) if dimension else 1
    if letters >= 3 or _THREE_LETTER_REF.search(xml):
        col_bound = 16384
    elif letters == 2 or _TWO_LETTER_REF.search(xml):
        col_bound = 702
    else:
        col_bound = 26
    if _within_limits(max_row * col_bound, cells):
        return
    refs = _CELL_REF.findall(xml)
    max_row = max([max_row] + [int(digits) for _, digits in refs])
    max_col = max([column_number(letters) for letters, _ in refs], default=0)
    if dimension:
        max_col = max(max_col, column_number(dimension.group(1)))
    if not _within_limits(max_row * max_col, cells):
        sheet = member.filename.rsplit("/", 1)[-1]
        raise InputError(f"la feuille {sheet} déclare une plage utilisée de {max_row} lignes sur "
                         f"{max_col} colonnes pour seulement {cells} cellules remplies (une cellule "
                         "lointaine a été saisie ou mise en forme).", file=file_name,
                         hint="Dans Excel, supprimez les lignes et colonnes vides après les données, "
                              "enregistrez puis déposez le fichier de nouveau.")


def _within_limits(used: int, cells: int) -> bool:
    return used <= MAX_USED_CELLS and used <= SPARSE_FACTOR * max(cells, 1) + 1_000_000


@dataclass(frozen=True)
class SheetCells:
    """The cells of the data sheet: every header, and one list of values (None for empty) per used column."""

    headers: list[str]
    columns: dict[str, list]
    n_rows: int
    first_row: int
    sheet: str | None


def read_sheet(data: bytes, file_name: str, fmt: str, preflight: bool = True) -> SheetCells:
    """The first visible sheet holding data, read with python-calamine once the workbook passed its
    inspection; every failure is an InputError."""
    if fmt == "xlsx" and preflight:
        inspect_xlsx(data, file_name)
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
