"""Reading the exports: the only module that opens files; every frame leaves it with its contract's columns."""
from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Union

import numpy as np
import pandas as pd
import pyarrow as pa

from .errors import InputError, describe_rows
from .schemas import CONTRACTS, KEY, NUMBER, fold_header, guess_kind

Source = Union[str, os.PathLike, bytes, bytearray, IO[bytes], pd.DataFrame, "SourceTable"]

MAX_FILE_BYTES = int(os.environ.get("BOTTLENECK_MAX_FILE_MB", "50")) * 2**20
FIRST_DATA_ROW = 2  # spreadsheet row number of the first data row, under the header
REPAIR_COLUMNS = ["source_row", "column", "original", "repaired"]


@dataclass(frozen=True)
class RawFile:
    """An input as bytes with the name users know it by."""

    name: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class CellTable:
    """A file's cells before any contract: original headers, one column of values per header."""

    headers: list[str]
    columns: dict[str, pd.Series]
    n_rows: int
    first_row: int = FIRST_DATA_ROW
    sheet: str | None = None


@dataclass(frozen=True)
class SourceTable:
    """One export read under its contract, with what reading repaired and what it did not know."""

    kind: str
    name: str
    frame: pd.DataFrame
    repairs: pd.DataFrame
    unknown_columns: tuple[str, ...]
    size: int
    sha256: str
    n_columns: int
    sheet: str | None = None

    @property
    def label(self) -> str:
        return CONTRACTS[self.kind].label

    @property
    def raw_rows(self) -> int:
        return len(self.frame)


def _too_large(name: str, size: int) -> InputError:
    return InputError(f"le fichier pèse {size / 2**20:.0f} Mo, au-delà de la limite de {MAX_FILE_BYTES // 2**20} Mo.",
                      file=name, hint="Réduisez l'export aux colonnes utiles ou déposez-le au format .parquet.")


def load_raw(source: Source, default_name: str) -> RawFile:
    """The bytes of a path, bytes or file object (an upload), named after its file when it has one."""
    raw = _load_raw(source, default_name)
    if raw.size > MAX_FILE_BYTES:
        raise _too_large(raw.name, raw.size)
    return raw


def _load_raw(source: Source, default_name: str) -> RawFile:
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            if path.is_file() and path.stat().st_size > MAX_FILE_BYTES:
                raise _too_large(path.name, path.stat().st_size)
            return RawFile(path.name, path.read_bytes())
        except FileNotFoundError:
            raise InputError("ce fichier est introuvable.", file=str(path),
                             hint="Vérifiez le chemin indiqué.") from None
        except IsADirectoryError:
            raise InputError("ce chemin est un dossier, pas un fichier.", file=str(path)) from None
    if isinstance(source, (bytes, bytearray, memoryview)):
        return RawFile(default_name, bytes(source))
    if hasattr(source, "read"):
        name = Path(str(getattr(source, "name", "") or default_name)).name
        if hasattr(source, "getvalue"):
            return RawFile(name, bytes(source.getvalue()))
        if hasattr(source, "seek"):
            source.seek(0)
        return RawFile(name, bytes(source.read()))
    raise TypeError(f"unsupported source type: {type(source).__name__}")


def detect_format(raw: RawFile) -> str:
    """The real format of a file from its first bytes, whatever its extension says."""
    head = raw.data[:8]
    if not raw.data.strip():
        raise InputError("le fichier est vide.", file=raw.name,
                         hint="Exportez de nouveau le fichier depuis son application d'origine.")
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"%PDF"):
        raise InputError("c'est un document PDF, pas un export de données.", file=raw.name,
                         hint="Déposez l'export au format .xlsx, .csv ou .parquet.")
    if raw.name.lower().endswith((".xlsx", ".xlsm", ".xls", ".parquet")):
        extension = raw.name.rsplit(".", 1)[1]
        raise InputError(f"le fichier porte l'extension .{extension} mais son contenu n'est ni un classeur Excel "
                         "ni un Parquet (fichier renommé, tronqué ou d'un autre type).", file=raw.name,
                         hint="Exportez-le de nouveau depuis son application d'origine.")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "csv"
    sample = raw.data[:65536]
    if b"\x00" in sample or _looks_binary(sample):
        raise InputError("le contenu n'est ni un classeur Excel, ni un CSV, ni un Parquet lisible.",
                         file=raw.name,
                         hint="Vérifiez qu'il s'agit bien de l'export attendu, enregistré en .xlsx, .csv ou .parquet.")
    return "csv"


def _looks_binary(sample: bytes) -> bool:
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) * 0.01


def read_cells(raw: RawFile) -> CellTable:
    """Every cell of the file's data sheet (or CSV, or Parquet) as one column of values per header."""
    fmt = detect_format(raw)
    if fmt in ("xlsx", "ole"):
        from .workbook import read_workbook
        return read_workbook(raw, fmt)
    if fmt == "parquet":
        return _read_parquet(raw)
    return _read_csv(raw)


def _read_parquet(raw: RawFile) -> CellTable:
    try:
        frame = pd.read_parquet(io.BytesIO(raw.data))
    except Exception:
        raise InputError("ce fichier Parquet est illisible ou corrompu.", file=raw.name,
                         hint="Exportez-le de nouveau ou déposez la version .xlsx.") from None
    return _frame_cells(frame)


def _frame_cells(frame: pd.DataFrame) -> CellTable:
    headers = [str(c) for c in frame.columns]
    columns = {h: frame.iloc[:, i].reset_index(drop=True) for i, h in enumerate(headers)}
    return CellTable(headers, columns, len(frame))


def decode_text(raw: RawFile) -> str:
    """The text of a CSV: UTF-8 with or without BOM, UTF-16 with BOM, else Windows Latin-1."""
    data = raw.data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_separator(text: str) -> str:
    """The CSV separator among `;`, `,`, tab and `|`, from the first lines."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=";,\t|").delimiter
    except csv.Error:
        counts = {sep: lines[0].count(sep) for sep in ";,\t|"}
        return max(counts, key=counts.get)


def _read_csv(raw: RawFile) -> CellTable:
    text = decode_text(raw)
    sep = sniff_separator(text)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                            na_filter=False, skip_blank_lines=True)
    except pd.errors.ParserError as exc:
        line = re.search(r"line (\d+)", str(exc))
        rows = [int(line.group(1))] if line else []
        raise InputError("une ligne compte plus de valeurs que l'en-tête (séparateur "
                         f"« {sep} »).", file=raw.name, rows=rows,
                         hint="Vérifiez les séparateurs dans cette ligne ou réexportez le fichier.") from None
    except pd.errors.EmptyDataError:
        raise InputError("le fichier ne contient aucune ligne.", file=raw.name) from None
    except Exception:  # any other reader failure is still one French message
        raise InputError("ce fichier CSV ne peut pas être lu.", file=raw.name,
                         hint="Réexportez-le en CSV (séparateur « ; » ou « , ») ou en .xlsx.") from None
    return _frame_cells(frame)


def read_source(source: Source, kind: str, name: str | None = None) -> SourceTable:
    """An export read and checked against its contract: canonical columns, normalised keys, numbers. An
    export already read (a SourceTable, from `identify`) is taken as it is."""
    contract = CONTRACTS[kind]
    if isinstance(source, SourceTable):
        if source.kind != kind:
            raise InputError(f"ce fichier est l'export {source.label}, pas l'export {contract.label}.",
                             file=source.name, hint=f"Déposez-le à la place {source.label}.")
        return source if not name else replace(source, name=name)
    if isinstance(source, pd.DataFrame):
        raw = RawFile(name or f"{contract.label} (tableau)", b"")
        cells = _frame_cells(source)
    else:
        raw = load_raw(source, name or f"export {contract.label}")
        if name:
            raw = RawFile(name, raw.data)
        cells = read_cells(raw)
    return _source_table(raw, cells, kind)


def _source_table(raw: RawFile, cells: CellTable, kind: str) -> SourceTable:
    frame, repairs, unknown = conform(cells, kind, raw.name)
    return SourceTable(kind=kind, name=raw.name, frame=frame, repairs=repairs,
                       unknown_columns=tuple(unknown), size=raw.size,
                       sha256=raw.sha256 if raw.data else "", n_columns=len(cells.headers),
                       sheet=cells.sheet)


def conform(cells: CellTable, kind: str, file_name: str) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The contract's columns typed, with the repairs made and the unknown headers (kept as text only)."""
    contract = CONTRACTS[kind]
    where = f"{file_name} (feuille « {cells.sheet} »)" if cells.sheet else file_name
    by_name: dict[str, str] = {}
    for header in cells.headers:
        folded = fold_header(header)
        if folded in contract.used and folded in by_name:
            raise InputError(f"la colonne « {folded} » apparaît deux fois.", file=where,
                             hint="Supprimez la colonne en double puis déposez le fichier de nouveau.")
        by_name.setdefault(folded, header)
    missing = [c for c in contract.required if c not in by_name]
    if missing:
        raise _missing_columns_error(where, contract.label, missing, cells.headers)
    if cells.n_rows == 0:
        raise InputError("le fichier ne contient que l'en-tête, aucune ligne de données.", file=where,
                         hint="Vérifiez que l'export n'a pas été filtré ou tronqué.")
    unknown = [h for h in cells.headers if fold_header(h) not in contract.known]
    rows = np.arange(cells.first_row, cells.first_row + cells.n_rows)
    data: dict[str, object] = {}
    repairs: list[pd.DataFrame] = []
    for column, column_kind in contract.used.items():
        if column not in by_name:
            data[column] = pd.Series([None] * cells.n_rows, dtype="object")
            continue
        values = cells.columns[by_name[column]]
        if column_kind == KEY:
            parsed, repaired = normalise_keys(values)
        elif column_kind == NUMBER:
            parsed, repaired, bad = parse_numbers(values)
            if bad.any():
                bad_rows = rows[bad.to_numpy()].tolist()
                examples = ", ".join(f"« {v} »" for v in values[bad].astype(str).head(3))
                raise InputError(f"valeurs qui ne sont pas des nombres ({examples}) à la {describe_rows(bad_rows)}.",
                                 file=where, column=column,
                                 hint="Corrigez ces cellules (un nombre, ou vide) puis déposez le fichier de nouveau.")
        else:
            parsed, repaired = clean_text(values)
        data[column] = parsed
        if repaired.any():
            mask = repaired.to_numpy()
            repairs.append(pd.DataFrame({
                "source_row": rows[mask], "column": column,
                "original": values[mask].astype(str).to_numpy(),
                "repaired": parsed[mask].astype(str).to_numpy(),
            }))
    frame = pd.DataFrame(data)
    frame["source_row"] = rows
    repair_table = (pd.concat(repairs, ignore_index=True) if repairs
                    else pd.DataFrame(columns=REPAIR_COLUMNS))
    return frame, repair_table, unknown


def _missing_columns_error(where: str, label: str, missing: list[str], headers: list[str]) -> InputError:
    names = ", ".join(f"« {c} »" for c in missing)
    word = "colonne obligatoire absente" if len(missing) == 1 else "colonnes obligatoires absentes"
    lookalike = guess_kind(headers)
    hint = f"Ce fichier ne ressemble pas à l'export {label} attendu."
    if lookalike:
        hint = (f"Ce fichier ressemble à l'export {CONTRACTS[lookalike].label} : "
                f"déposez-le à la place {CONTRACTS[lookalike].label} et déposez ici l'export {label}.")
    found = ", ".join(str(h) for h in headers[:12]) or "aucune"
    return InputError(f"{word} : {names} (colonnes trouvées : {found}).", file=where, hint=hint)


_INTEGER_TEXT = re.compile(r"[+-]?\d+\.0*")
_SCIENTIFIC_TEXT = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+]?\d+")
_PLAIN_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)")


def normalise_key(value: object) -> tuple[str | None, bool]:
    """A join key as text: 15298, 15298.0, " 15298 " and "15298" are one key; True when text was repaired."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None, False
    if isinstance(value, (bool, np.bool_)):
        return str(value), False
    if isinstance(value, (int, np.integer)):
        return str(int(value)), False
    if isinstance(value, (float, np.floating)):
        if value != value:
            return None, False
        return (str(int(value)), False) if float(value).is_integer() else (repr(float(value)), False)
    text = str(value).strip()
    if not text:
        return None, False
    key = text
    if _INTEGER_TEXT.fullmatch(text):
        key = str(int(text.split(".")[0]))
    elif _SCIENTIFIC_TEXT.fullmatch(text):
        number = float(text.replace(",", "."))
        if number.is_integer():
            key = str(int(number))
    return key, key != value


TEXT_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)


def _is_text_dtype(dtype) -> bool:
    return isinstance(dtype, pd.StringDtype) or (isinstance(dtype, pd.ArrowDtype)
                                                 and str(dtype.pyarrow_dtype) in ("string", "large_string"))


def normalise_keys(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Every key of a column normalised to text, with a mask of the text values that were repaired."""
    no_repair = pd.Series(False, index=values.index)
    if pd.api.types.is_integer_dtype(values.dtype) and not values.isna().any():
        text = pa.array(values.astype("int64").to_numpy()).cast(pa.string())
        return pd.Series(pd.array(text, dtype=TEXT_DTYPE), index=values.index), no_repair
    if pd.api.types.is_float_dtype(values.dtype):
        numbers = values.to_numpy(dtype="float64")
        filled = ~np.isnan(numbers)
        whole = np.where(filled, numbers, 0.0)
        if (np.mod(whole, 1.0) == 0).all() and (np.abs(whole) < 2**53).all():  # 15298.0 is the key "15298"
            text = pa.array(whole.astype("int64"), mask=~filled).cast(pa.string())
            return pd.Series(pd.array(text, dtype=TEXT_DTYPE), index=values.index), no_repair
        keys = [normalise_key(v)[0] for v in values.tolist()]
        return pd.Series(keys, index=values.index, dtype=TEXT_DTYPE), no_repair
    if _is_text_dtype(values.dtype):
        text = values.astype(TEXT_DTYPE)
        keys = text.str.strip()
        keys = keys.mask(keys == "")
        special = keys.str.fullmatch(f"{_INTEGER_TEXT.pattern}|{_SCIENTIFIC_TEXT.pattern}").fillna(False)
        if special.any():
            keys[special] = [normalise_key(v)[0] for v in keys[special].tolist()]
        repaired = (keys != text).fillna(False) & keys.notna()
        return keys, repaired.astype(bool)
    pairs = [normalise_key(v) for v in values.tolist()]
    keys = pd.Series([p[0] for p in pairs], index=values.index, dtype=TEXT_DTYPE)
    repaired = pd.Series([p[1] for p in pairs], index=values.index, dtype=bool)
    return keys, repaired


def parse_number(value: object) -> tuple[float | None, bool, bool]:
    """A number from a cell: (value, repaired, unreadable); "12,5 €" is 12.5, repaired."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None, False, False
    if isinstance(value, (bool, np.bool_)):
        return float(value), False, False
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        return (None, False, False) if number != number else (number, False, False)
    text = str(value).strip()
    if not text:
        return None, False, False
    if _PLAIN_NUMBER_TEXT.fullmatch(text):
        return float(text.replace(",", ".")), False, False
    cleaned = re.sub(r"[\s\u00a0\u202f€$]|EUR", "", text, flags=re.IGNORECASE)
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return None, False, True
    if number != number or number in (float("inf"), float("-inf")):
        return None, False, True
    return number, True, False


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """A column as floats, with masks of the repaired and of the unreadable cells."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        numbers = values.astype("float64")
        finite = np.isfinite(numbers.fillna(0.0).to_numpy())
        none = pd.Series(False, index=values.index)
        return numbers.where(finite), none, pd.Series(~finite, index=values.index)
    triples = [parse_number(v) for v in values.tolist()]
    numbers = pd.Series([t[0] for t in triples], index=values.index, dtype="float64")
    repaired = pd.Series([t[1] for t in triples], index=values.index, dtype=bool)
    bad = pd.Series([t[2] for t in triples], index=values.index, dtype=bool)
    return numbers, repaired, bad


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"[ ]*[\t\r\n]+[ ]*")


_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _needs_cleaning(text: str) -> bool:
    return _ANY_CONTROL.search(text) is not None


def _clean_one_text(v: object) -> tuple[str | None, bool]:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None, False
    if isinstance(v, float) and v.is_integer():
        return str(int(v)), False
    text = str(v)
    cleaned = _LINE_BREAKS.sub(" ", _CONTROL.sub("", text)).strip(" ") if _needs_cleaning(text) else text
    return (cleaned if cleaned.strip() else None), cleaned != text


def clean_text(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A text column with empty cells missing, control characters (no spreadsheet can hold them) removed and
    tabs or line breaks (meaningless in a wine name, and risky at the start of a cell) turned into one space."""
    if _is_text_dtype(values.dtype):
        text = values.astype(TEXT_DTYPE)
        dirty = text.str.contains(_ANY_CONTROL.pattern, regex=True).fillna(False)
        cleaned = text.copy()
        if dirty.any():
            cleaned[dirty] = [_clean_one_text(v)[0] for v in text[dirty].tolist()]
        cleaned = cleaned.mask(cleaned.str.strip() == "")
        return cleaned, dirty.astype(bool)
    pairs = [_clean_one_text(v) for v in values.tolist()]
    return (pd.Series([p[0] for p in pairs], index=values.index, dtype=TEXT_DTYPE),
            pd.Series([p[1] for p in pairs], index=values.index, dtype=bool))


@dataclass(frozen=True)
class SourceGuess:
    """What an uploaded file looks like: the export its columns match, its rows and columns, and the export
    as read (so that the analysis does not read the file again), unless its values break the contract."""

    name: str
    kind: str | None
    rows: int
    columns: int
    sheet: str | None = None
    table: SourceTable | None = field(default=None, repr=False, compare=False)


def identify(source: Source, name: str | None = None) -> SourceGuess:
    """Which export a file is, from its columns; a file matching none is refused with its columns listed."""
    raw = load_raw(source, name or "fichier")
    if name:
        raw = RawFile(name, raw.data)
    cells = read_cells(raw)
    kind = guess_kind(cells.headers)
    if kind is None:
        found = ", ".join(str(h) for h in cells.headers[:12]) or "aucune"
        raise InputError(f"ses colonnes ne correspondent à aucun export attendu (colonnes trouvées : {found}).",
                         file=raw.name,
                         hint="L'ERP doit contenir product_id, price et stock_quantity ; la LIAISON product_id et "
                              "id_web ; le WEB sku, total_sales et post_title.")
    try:
        table = _source_table(raw, cells, kind)
    except InputError:
        table = None  # the analysis reads it again and tells what is wrong, where it tells every error
    return SourceGuess(raw.name, kind, cells.n_rows, len(cells.headers), cells.sheet, table)


EXPORT_SUFFIXES = (".xlsx", ".xls", ".csv", ".parquet")


def newest_exports(folder: str | os.PathLike) -> tuple[dict[str, tuple[Path, SourceGuess]], list[str]]:
    """The newest ERP, LIAISON and WEB exports of a drop folder, recognised by their columns (each with what
    was read of it), and the files passed over on the way (unreadable or of no known export), each with
    why. Files older than the three chosen are not opened."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("ce dossier de dépôt est introuvable.", file=str(folder))
    candidates = sorted((p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in EXPORT_SUFFIXES),
                        key=lambda p: (p.stat().st_mtime, p.name), reverse=True)
    chosen: dict[str, tuple[Path, SourceGuess]] = {}
    skipped: list[str] = []
    for path in candidates:
        if len(chosen) == len(CONTRACTS):
            break
        try:
            guess = identify(path)
        except InputError as exc:
            skipped.append(str(exc))
            continue
        chosen.setdefault(guess.kind, (path, guess))
    missing = [CONTRACTS[k].label for k in CONTRACTS if k not in chosen]
    if missing:
        found = ", ".join(f"{CONTRACTS[k].label} : {p.name}" for k, (p, _) in chosen.items()) or "aucun export reconnu"
        raise InputError(f"il manque l'export {', '.join(missing)} dans le dossier ({found}).", file=str(folder),
                         hint="Déposez les trois exports du mois dans ce dossier.")
    return chosen, skipped
