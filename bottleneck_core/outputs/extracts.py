"""CSV extracts French Excel opens as columns (`;`, decimal comma, UTF-8 with BOM), and JSON records."""
from __future__ import annotations

import io
import json

import pandas as pd
import pyarrow as pa
import pyarrow.csv

from ..labels import COLUMN_LABELS, COLUMN_UNITS, VALUE_LABELS, french_values
from ..steps.sql import TEXT_TYPES

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
DECIMALS = {"€": 2, "z": 4}
_RISKY_START = "^[" + "".join({"\t": r"\t", "\r": r"\r", "\n": r"\n", "-": r"\-", "+": r"\+"}.get(c, c)
                              for c in FORMULA_PREFIXES) + "]"
TEXT = next(iter(TEXT_TYPES.values()))


def neutralise(texts: pd.Series) -> pd.Series:
    """Text cells a spreadsheet would run as a formula (= + - @ tab CR LF first) get a leading apostrophe (OWASP
    CSV injection); missing cells stay missing."""
    texts = texts.astype(TEXT)
    risky = texts.str.contains(_RISKY_START, regex=True).fillna(False)
    return texts.where(~risky, "'" + texts)


def french_number(value: float, decimals: int | None) -> str | None:
    """24,20 with two decimals; 12 or 12,5 as written when the decimals are free; nothing when missing."""
    if value != value:
        return None
    if decimals is not None:
        return f"{value:.{decimals}f}".replace(".", ",")
    return f"{value:.0f}" if value.is_integer() else repr(value).replace(".", ",")


def french_csv(frame: pd.DataFrame) -> bytes:
    """Rows with French headers: euros with two decimals, z-scores with four, other numbers as they are,
    yes/no columns as oui/non, texts neutralised."""
    columns = {}
    for name in frame.columns:
        values = frame[name]
        if name in VALUE_LABELS or pd.api.types.is_bool_dtype(values.dtype):
            text = neutralise(french_values(values, name))
        elif pd.api.types.is_numeric_dtype(values.dtype):
            decimals = DECIMALS.get(COLUMN_UNITS.get(name, ""))
            text = pd.Series([french_number(v, decimals) for v in values.astype("float64").tolist()], dtype=TEXT)
        else:
            text = neutralise(values)
        columns[COLUMN_LABELS.get(name, name)] = pa.array(text, type=pa.string(), from_pandas=True)
    buffer = io.BytesIO()
    buffer.write("\ufeff".encode("utf-8"))
    pyarrow.csv.write_csv(pa.table(columns), buffer, pyarrow.csv.WriteOptions(delimiter=";", eol="\r\n"))
    return buffer.getvalue()


def to_json(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False).encode("utf-8")
