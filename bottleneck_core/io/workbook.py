"""Workbooks, in the parsing process: a bounded inspection of the zip before any parser, then python-calamine.
Plain Python values out: no pandas here, so the parsing process starts fast."""
from __future__ import annotations

import io
import re
import zipfile

from ..errors import InputError
from .cells import Sheet, sheet_from_rows

ADVICE = "Ouvrez-le dans Excel, enregistrez-le au format .xlsx puis déposez-le de nouveau."
_ENCRYPTED_OLE = "EncryptionInfo".encode("utf-16-le")

MAX_MEMBERS = 2_000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 150  # deflate rarely exceeds ~30 on spreadsheet XML; a bomb goes far above
RATIO_FLOOR = 5 * 1024 * 1024  # small members may have any ratio
MAX_USED_CELLS = 20_000_000  # cells calamine would allocate for the used range
SPARSE_FACTOR = 50  # the used range may be at most this many times larger than the cells present
MAX_ERROR_CELLS = 100_000
_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]{1,3}[0-9]{1,7}:)?([A-Z]{1,3})([0-9]{1,7})"')
_ROW_REF = re.compile(rb'<row [^>]*?r="([0-9]{1,7})"')
_REF_OF_LENGTH = {n: re.compile(rb'<c r="([A-Z]{%d})[0-9]' % n) for n in (1, 2, 3)}
_ERROR_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*?\bt="e"[^>]*>(?:<f[^>]*>[^<]*</f>|<f[^>]*/>)?'
                         rb'(?:<v>([^<]*)</v>)?')
_SHEET = re.compile(rb'<sheet [^>]*?r:id="([^"]+)"')
_RELATION = re.compile(rb'<Relationship [^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"|'
                       rb'<Relationship [^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"')


def column_number(letters: bytes) -> int:
    """Excel column letters as a 1-based number: A is 1, XFD is 16384."""
    number = 0
    for char in letters:
        number = number * 26 + (char - 64)
    return number


def inspect_xlsx(data: bytes, file_name: str) -> dict[str, list[tuple[int, int, str]]]:
    """Refuse a workbook whose zip or used range could exhaust memory, before any parser opens it; return, for
    each worksheet part, its error cells (#DIV/0!, #N/A…) as (row, column, code), which calamine reads as blank."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise InputError("le classeur est endommagé ou tronqué (archive illisible).", file=file_name,
                         hint=ADVICE) from None
    names = {m.filename for m in members}
    if len(members) > MAX_MEMBERS:
        raise InputError(f"l'archive contient {len(members)} éléments, bien plus qu'un classeur.", file=file_name,
                         hint=ADVICE)
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
    errors = {}
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
                xml = archive.read(member)  # bounded by the size and ratio checks above
                _check_used_range(xml, member.filename, file_name)
                if b't="e"' in xml:  # most sheets hold no error cell: no need to look for one
                    errors[member.filename] = [(int(r), column_number(c), v.decode("utf-8", "replace") or "#ERREUR")
                                               for c, r, v in _ERROR_CELL.findall(xml)[:MAX_ERROR_CELLS]]
        order = _sheet_parts(archive)
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, NotImplementedError, RuntimeError):
        raise InputError("le classeur est endommagé, tronqué ou chiffré.", file=file_name, hint=ADVICE) from None
    return {index: errors.get(part, []) for index, part in enumerate(order)}


def _sheet_parts(archive: zipfile.ZipFile) -> list[str]:
    """The worksheet parts in the workbook's sheet order (the order calamine lists the sheets in)."""
    targets = {}
    for a, b, c, d in _RELATION.findall(archive.read("xl/_rels/workbook.xml.rels")):
        rel_id, target = (a, b) if a else (d, c)
        target = target.decode().lstrip("/")
        targets[rel_id] = target if target.startswith("xl/") else f"xl/{target}"
    return [targets.get(rel_id, "") for rel_id in _SHEET.findall(archive.read("xl/workbook.xml"))]


def _check_used_range(xml: bytes, part: str, file_name: str) -> None:
    """A used range far larger than the sheet's cells is a memory bomb: refuse it before any parser. Every scan
    here is a search in C over the sheet's bytes, never a Python loop over its cells."""
    cells = xml.count(b"<c ")
    max_row = max(map(int, _ROW_REF.findall(xml)), default=0)
    widest = next((n for n in (3, 2) if _REF_OF_LENGTH[n].search(xml)), 1)
    dimension = _DIMENSION.search(xml, 0, 8192)
    max_col = column_number(b"Z" * widest)  # a cheap bound first: 26, 702 or 18 278 columns
    if dimension:
        max_row = max(max_row, int(dimension.group(2)))
        max_col = max(max_col, column_number(dimension.group(1)))
    if _within_limits(max_row * max_col, cells):
        return
    # The exact widest column: references of the same length compare as their numbers, so it is the largest of
    # the longest ones (found by the regex engine, compared by max()).
    max_col = column_number(max(_REF_OF_LENGTH[widest].findall(xml), default=b"A"))
    if dimension:
        max_col = max(max_col, column_number(dimension.group(1)))
    if not _within_limits(max_row * max_col, cells):
        sheet = part.rsplit("/", 1)[-1]
        raise InputError(f"la feuille {sheet} déclare une plage utilisée de {max_row} lignes sur {max_col} colonnes "
                         f"pour seulement {cells} cellules remplies (une cellule lointaine a été saisie ou mise en "
                         "forme).", file=file_name,
                         hint="Dans Excel, supprimez les lignes et colonnes vides après les données, enregistrez "
                              "puis déposez le fichier de nouveau.")


def _within_limits(used: int, cells: int) -> bool:
    return used <= MAX_USED_CELLS and used <= SPARSE_FACTOR * max(cells, 1) + 1_000_000


def read_workbook(data: bytes, file_name: str, fmt: str, wanted: frozenset[str]) -> Sheet:
    """The first visible sheet holding data, read with python-calamine once the workbook passed its inspection."""
    errors = inspect_xlsx(data, file_name) if fmt == "xlsx" else {}
    if fmt == "xls" and _ENCRYPTED_OLE in data:
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
                    chosen = (index, meta.name, sheet.start or (0, 0), rows)
                    break
        several = len(workbook.sheet_names) > 1
        hidden = any(not str(meta.visible).endswith("Visible") for meta in workbook.sheets_metadata)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # calamine's Rust panics derive from BaseException
        kind = "un ancien classeur .xls illisible" if fmt == "xls" else "un classeur endommagé"
        raise InputError(f"c'est {kind} : son contenu ne peut pas être lu.", file=file_name, hint=ADVICE) from None
    if chosen is None and not hidden:
        raise InputError("le classeur est vide : aucune de ses feuilles ne contient de données.", file=file_name,
                         hint="Vérifiez que c'est le bon fichier, ou réexportez-le depuis son application d'origine.")
    if chosen is None:
        raise InputError("aucune feuille visible du classeur ne contient de données.", file=file_name,
                         hint="Affichez la feuille des données (elle est masquée), puis enregistrez.")
    index, name, start, rows = chosen
    first = next(i for i, row in enumerate(rows) if any(cell != "" for cell in row))
    header_row = start[0] + first + 1  # spreadsheet row of the header, 1-based
    body = rows[first + 1:]
    marks = {(row - header_row - 1, column - 1 - start[1]): {"error": code}
             for row, column, code in errors.get(index, []) if row > header_row}
    return sheet_from_rows(rows[first], body, list(range(header_row + 1, header_row + 1 + len(body))), wanted,
                           name if several else None, marks)
