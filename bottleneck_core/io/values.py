"""Cells to values, column by column, with no silent guess: join keys as text, numbers read under the one decimal
convention all of a column's texts agree on, texts cleaned of control characters. Each returns the values and
which cells were repaired; a value that cannot be read raises BadValues with the cells at fault."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa

TEXT_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)
SPACES = "[ \u00a0\u202f]"
_SIGN = r"[+-]?"
_SCIENTIFIC = rf"{_SIGN}\d+(?:[.,]\d+)?[eE][+-]?\d+"
# Keys: 15298.0, 15298,0, +15298, 15 298 and 1.5298E4 are the key 15298.
_KEY_AS_NUMBER = re.compile(rf"{_SIGN}\d+[.,]0*|\d{{1,3}}(?:{SPACES}\d{{3}})+|{_SCIENTIFIC}")
# Numbers: which decimal convention a text can be read under (point: 3,430.00; comma: 3.430,00 or 1 234,5).
_INTEGER = rf"{_SIGN}\d+"
_POINT = rf"{_INTEGER}|{_SIGN}(?:\d+\.\d*|\.\d+)|{_SIGN}\d{{1,3}}(?:,\d{{3}})+(?:\.\d*)?|{_SCIENTIFIC}"
_COMMA = rf"{_INTEGER}|{_SIGN}(?:\d+,\d*|,\d+)|{_SIGN}\d{{1,3}}(?:\.\d{{3}})+(?:,\d*)?|{_SCIENTIFIC}"
_EITHER_WAY = rf"{_SIGN}[1-9]\d{{0,2}}[.,]\d{{3}}"  # 1.234 or 1,234: a decimal or a thousands separator?
_NOISE = re.compile(rf"€|\$|(?i:eur)|(?<=\d){SPACES}(?=\d{{3}}(?:\D|$))")  # currency, thousands spaces
_MAYBE_NOISE = rf"[€$]|(?i:eur)|{SPACES}"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"[ ]*[\t\r\n]+[ ]*")
_ANY_CONTROL = r"[\x00-\x1f\x7f]"


class BadValues(Exception):
    """Cells of one column that cannot be read: what is wrong, which cells, what to do."""

    def __init__(self, what: str, mask: np.ndarray, hint: str):
        super().__init__(what)
        self.what, self.mask, self.hint = what, mask, hint


def cell_text(value: object) -> str | None:
    """A cell as users see it in their file: the date, the error code, the text."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dict):
        return value.get("text") or value.get("error")
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def typed_column(values: list) -> pd.Series:
    """A parsed column as floats, integers or text when all its cells agree (read without a loop), else as
    Python objects read cell by cell."""
    kinds = set(map(type, values)) - {type(None)}
    if kinds == {float} or kinds == {int, float}:
        return pd.Series(values, dtype="float64")
    if kinds == {int}:
        return pd.Series(values, dtype="Int64")
    if kinds == {str}:
        return pd.Series(values, dtype=TEXT_DTYPE)
    return pd.Series(values, dtype="object")


def _special(values: pd.Series, kinds: tuple[type, ...]) -> np.ndarray:
    return np.fromiter((isinstance(v, kinds) for v in values.tolist()), bool, len(values))


def _is_text(values: pd.Series) -> bool:
    return isinstance(values.dtype, pd.StringDtype)


def normalise_key(value: object) -> tuple[str | None, bool]:
    """One key as text, and whether its writing was repaired; booleans and error cells raise ValueError."""
    if value is None or (isinstance(value, float) and value != value):
        return None, False
    if isinstance(value, bool) or (isinstance(value, dict) and "error" in value):
        raise ValueError(value)
    if isinstance(value, dict):  # a number shown as a date: its number is the key
        serial = value["date"]
        return (str(int(serial)) if float(serial).is_integer() else repr(serial)), True
    if isinstance(value, (int, np.integer)):
        return str(int(value)), False
    if isinstance(value, (float, np.floating)):
        return (str(int(value)) if float(value).is_integer() else repr(float(value))), False
    text = str(value).strip()
    key = text or None
    if key and _KEY_AS_NUMBER.fullmatch(key):
        number = float(re.sub(SPACES, "", key).replace(",", "."))
        key = str(int(number)) if number.is_integer() and abs(number) < 2**53 else key
    return key, key is not None and key != value


def read_keys(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Join keys as text: 15298, 15298.0, " 15298 " and "15298" are one key; a repaired writing is flagged."""
    if pd.api.types.is_integer_dtype(values.dtype):
        text = pa.array(values.astype("Int64")).cast(pa.string())
        return pd.Series(pd.array(text, dtype=TEXT_DTYPE)), np.zeros(len(values), bool)
    if pd.api.types.is_float_dtype(values.dtype):
        numbers = values.astype("float64").to_numpy()
        filled = ~np.isnan(numbers)
        whole = np.where(filled, numbers, 0.0)
        if (np.mod(whole, 1.0) == 0).all() and (np.abs(whole) < 2**53).all():  # 15298.0 is the key "15298"
            text = pa.array(whole.astype("int64"), mask=~filled).cast(pa.string())
            return pd.Series(pd.array(text, dtype=TEXT_DTYPE)), np.zeros(len(values), bool)
    if _is_text(values):
        keys = values.str.strip()
        keys = keys.mask(keys == "")
        special = keys.str.fullmatch(_KEY_AS_NUMBER.pattern).fillna(False).to_numpy(bool)
        if special.any():
            keys[special] = [normalise_key(v)[0] for v in keys[special].tolist()]
        return keys, ((keys != values).fillna(False) & keys.notna()).to_numpy(bool)
    bad = _special(values, (bool, np.bool_)) | np.fromiter(
        (isinstance(v, dict) and "error" in v for v in values.tolist()), bool, len(values))
    if bad.any():
        raise BadValues("des cellules ne sont pas des identifiants (VRAI/FAUX ou erreur Excel)", bad,
                        "Remplacez-les par l'identifiant attendu, ou videz-les.")
    pairs = [normalise_key(v) for v in values.tolist()]
    return (pd.Series([p[0] for p in pairs], dtype=TEXT_DTYPE),
            np.fromiter((p[1] for p in pairs), bool, len(pairs)))


def read_numbers(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Numbers: typed cells as they are, dates as their number, texts under the decimal convention all of the
    column's texts agree on (3,430.00 and 12.5; or 3.430,00 and 12,5); a repaired writing is flagged."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        numbers = values.astype("float64")
        finite = np.isfinite(numbers.fillna(0.0).to_numpy())
        if not finite.all():
            raise BadValues("valeurs infinies ou non numériques", ~finite, "Corrigez ces cellules (un nombre, ou vide).")
        return numbers.reset_index(drop=True), np.zeros(len(values), bool)
    if _is_text(values):
        return _text_numbers(values)
    objects = values.tolist()
    bad = _special(values, (bool, np.bool_)) | np.fromiter(
        (isinstance(v, dict) and "error" in v for v in objects), bool, len(objects))
    if bad.any():
        raise BadValues("des cellules ne sont pas des nombres (VRAI/FAUX ou erreur Excel comme #N/A, #DIV/0!)", bad,
                        "Corrigez ces cellules dans l'export (un nombre, ou vide).")
    numbers = np.full(len(objects), np.nan)
    repaired = np.zeros(len(objects), bool)
    texts = np.fromiter((isinstance(v, str) for v in objects), bool, len(objects))
    for i, v in enumerate(objects):
        if isinstance(v, dict):
            numbers[i], repaired[i] = v["date"], True
        elif isinstance(v, (int, float, np.integer, np.floating)):
            numbers[i] = v
    if texts.any():
        parsed, fixed = _text_numbers(pd.Series([v for v in objects if isinstance(v, str)], dtype=TEXT_DTYPE),
                                      offsets=np.flatnonzero(texts), size=len(objects))
        numbers[texts], repaired[texts] = parsed.to_numpy(), fixed
    return pd.Series(numbers), repaired


def _text_numbers(texts: pd.Series, offsets: np.ndarray | None = None,
                  size: int | None = None) -> tuple[pd.Series, np.ndarray]:
    def at(mask: np.ndarray) -> np.ndarray:  # the cells of a mask of these texts, in the whole column
        if offsets is None:
            return mask
        whole = np.zeros(size, bool)
        whole[offsets[mask]] = True
        return whole

    stripped = texts.str.strip().reset_index(drop=True)
    cleaned = stripped.mask(stripped == "")
    noisy = cleaned.str.contains(_MAYBE_NOISE, regex=True).fillna(False).to_numpy(bool)
    if noisy.any():  # few cells: Python's regex, for its look-around
        cleaned[noisy] = [_NOISE.sub("", v).strip() for v in cleaned[noisy].tolist()]
    filled = cleaned.notna().to_numpy(bool)
    point = cleaned.str.fullmatch(_POINT).fillna(False).to_numpy(bool)
    comma = cleaned.str.fullmatch(_COMMA).fillna(False).to_numpy(bool)
    unreadable = filled & ~point & ~comma
    if unreadable.any():
        raise BadValues("valeurs qui ne sont pas des nombres", at(unreadable),
                        "Corrigez ces cellules (un nombre, ou vide) puis déposez le fichier de nouveau.")
    if not point[filled].all() and not comma[filled].all():
        only_point, only_comma = filled & point & ~comma, filled & comma & ~point
        odd = only_point if only_point.sum() <= only_comma.sum() else only_comma
        raise BadValues("nombres écrits de deux façons (virgule décimale et point décimal dans la même colonne)",
                        at(odd), "Écrivez tous les nombres de la colonne de la même façon puis déposez le fichier.")
    use_point = bool(point[filled].all())
    if use_point and comma[filled].all():
        either = cleaned.str.fullmatch(_EITHER_WAY).fillna(False).to_numpy(bool)
        if either.any():
            raise BadValues("valeurs ambiguës (« 1.234 » : mille deux cent trente-quatre, ou un virgule deux cent "
                            "trente-quatre ?) que rien d'autre dans la colonne ne permet de trancher", at(either),
                            "Écrivez ces nombres sans séparateur de milliers.")
    grouping, decimal = (",", ".") if use_point else (".", ",")
    plain = cleaned.str.replace(grouping, "", regex=False).str.replace(decimal, ".", regex=False)
    numbers = pd.to_numeric(plain.astype("object"), errors="coerce").astype("float64").reset_index(drop=True)
    repaired = filled & ((cleaned != stripped).fillna(False).to_numpy(bool)
                         | cleaned.str.contains(grouping, regex=False).fillna(False).to_numpy(bool))
    return numbers, repaired


def read_texts(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Texts with empty cells missing, control characters (no spreadsheet holds them) removed, and tabs or line
    breaks (meaningless in a wine name, risky at the start of a cell) turned into one space."""
    text = values.astype(TEXT_DTYPE) if _is_text(values) else pd.Series(
        [cell_text(v) for v in values.tolist()], dtype=TEXT_DTYPE)
    dirty = text.str.contains(_ANY_CONTROL, regex=True).fillna(False).to_numpy(bool)
    cleaned = text.copy()
    if dirty.any():
        cleaned[dirty] = [_LINE_BREAKS.sub(" ", _CONTROL.sub("", v)).strip(" ") for v in text[dirty].tolist()]
    cleaned = cleaned.mask(cleaned.str.strip() == "").reset_index(drop=True)
    errors = np.fromiter((isinstance(v, dict) and "error" in v for v in values.tolist()), bool, len(values)) \
        if not _is_text(values) else dirty
    return cleaned, dirty | errors
