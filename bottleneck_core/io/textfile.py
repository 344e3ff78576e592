"""CSV files, in the parsing process: decoded without ever raising or garbling valid UTF-8, the separator chosen
by the file's structure, physical line numbers, bounded width. Plain Python values out."""
from __future__ import annotations

import codecs
import csv
import io
import re
from itertools import islice

from ..errors import InputError
from .cells import Sheet, sheet_from_rows

SEPARATORS = (";", ",", "\t", "|")  # in order of preference when several fit as well
SNIFF_RECORDS = 200
SNIFF_CHARS = 256 * 1024
MAX_COLUMNS = 1_000
MAX_CELL_CHARS = 1 << 20
REPLACEMENT = "\ufffd"
_ESCAPED = re.compile("[\udc80-\udcff]")
NOT_READABLE = "Réexportez-le en CSV (séparateur « ; » ou « , ») ou en .xlsx."


def decode(data: bytes) -> tuple[str, str, list[tuple[int, str]]]:
    """The text of a CSV, its encoding, and what could not be read as (line, what): UTF-8 (with or without BOM),
    UTF-16 with BOM, else Windows-1252. A UTF-8 file with a few stray bytes stays UTF-8: its valid accents are kept,
    the stray bytes are shown as � and counted, never the whole file decoded the wrong way. Never raises."""
    odd = 0
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # An odd last byte (a truncated or padded file) is half a character: dropped and said. A lone surrogate is
        # shown as � (the handler used below knows only 8-bit bytes).
        odd = len(data) % 2
        text, encoding, escaped = data[:len(data) - odd].decode("utf-16", "replace"), "utf-16", REPLACEMENT
    else:
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8):]
        try:
            return data.decode("utf-8"), "utf-8", []
        except UnicodeDecodeError:
            text = data.decode("utf-8", "surrogateescape")
            stray = len(_ESCAPED.findall(text))
            accents = len(text) - len(text.encode("ascii", "ignore")) - stray
            encoding = "utf-8" if accents >= stray else "cp1252"
        text, escaped = data.decode(encoding, "surrogateescape"), _ESCAPED.pattern
    bad, line, last = [], 1, 0
    for match in re.finditer(escaped, text):
        line += text.count("\n", last, match.start())
        last = match.start()
        byte = ord(match.group()) - 0xDC00
        bad.append((line, f"octet 0x{byte:02X}" if 0 <= byte < 256 else "caractère illisible"))
    if odd:
        bad.append((text.count("\n") + 1 - text.endswith("\n"), "octet final incomplet, retiré"))
    return (_ESCAPED.sub(REPLACEMENT, text) if bad else text), encoding, bad


def choose_separator(text: str) -> str:
    """The separator under which the first records all have the header's number of fields (a trailing separator
    on data lines allowed), the most fields winning; a `;` file whose texts hold commas stays a `;` file."""
    head = text[:SNIFF_CHARS]
    cut = len(text) > SNIFF_CHARS  # the last record read may be cut short: not held against a separator

    def fit(separator: str) -> tuple:
        try:
            records = [r for r in islice(csv.reader(io.StringIO(head), delimiter=separator), SNIFF_RECORDS) if r]
        except csv.Error:  # a field longer than any cell may be: not this separator
            return (False, False, 0.0, 0)
        if cut and len(records) > 1:
            records = records[:-1]
        if not records:
            return (False, False, 0.0, 0)
        width = len(records[0])
        fitting = sum(len(r) == width or (len(r) == width + 1 and r[-1] == "") for r in records[1:])
        share = fitting / max(len(records) - 1, 1)
        return (width > 1, share == 1.0, share, width)
    return max(SEPARATORS, key=fit)


def read_csv(data: bytes, file_name: str, fmt: str, wanted: frozenset[str]) -> Sheet:
    """Every record of a CSV under its header, with the physical line each starts on."""
    text, encoding, bad = decode(data)
    csv.field_size_limit(MAX_CELL_CHARS)
    separator = choose_separator(text)
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    trailing: list[int] = []
    try:
        header = next((r for r in reader if r), None)
        if header is None:
            raise InputError("le fichier ne contient aucune ligne.", file=file_name)
        if len(header) > MAX_COLUMNS:
            raise InputError(f"l'en-tête compte {len(header):,} colonnes (séparateur « {separator} »), au-delà de la "
                             f"limite de {MAX_COLUMNS:,}.".replace(",", " "), file=file_name, rows=[reader.line_num],
                             hint=NOT_READABLE)
        width, body, rows, line = len(header), [], [], reader.line_num
        for record in reader:
            start, line = line + 1, reader.line_num
            if not record:
                continue  # an empty line is no record; the next keeps its physical number
            if len(record) > width:
                if len(record) == width + 1 and record[-1] == "":
                    record.pop()
                    trailing.append(start)
                else:
                    raise InputError(f"une ligne compte plus de valeurs que l'en-tête (séparateur « {separator} »).",
                                     file=file_name, rows=[start],
                                     hint="Vérifiez les séparateurs dans cette ligne ou réexportez le fichier.")
            body.append(record)
            rows.append(start)
    except csv.Error:
        raise InputError(f"une cellule dépasse {MAX_CELL_CHARS // 2**20} Mo de texte ou la ligne est mal formée.",
                         file=file_name, rows=[reader.line_num], hint=NOT_READABLE) from None
    notes = [{"rows": [line], "original": f"{what} ({encoding})", "repaired": REPLACEMENT if "retiré" not in what
              else "—"} for line, what in bad]
    if trailing:
        notes.append({"rows": trailing, "original": f"« {separator} » en fin de ligne",
                      "repaired": "colonne vide sans en-tête retirée"})
    return sheet_from_rows(header, body, rows, wanted, notes=notes)
