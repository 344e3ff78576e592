"""Excel workbooks, parent side: hand them to the isolated worker (which inspects, then parses) and turn
its answer, or its death, into cells or one French error."""
from __future__ import annotations

import pandas as pd

from .errors import InputError
from .reading import TEXT_DTYPE, CellTable, RawFile
from .sheets import ADVICE, read_sheet


def read_workbook(raw: RawFile, fmt: str) -> CellTable:
    """A workbook's cells, inspected then parsed in the isolated worker."""
    from . import isolation

    try:
        if isolation.enabled():
            sheet = isolation.run_isolated("read_sheet", raw.data, raw.name, fmt)
        else:
            sheet = read_sheet(raw.data, raw.name, fmt)
    except isolation.WorkerFailure as failure:
        what = ("a dépassé le temps de lecture autorisé" if failure.reason == "timeout"
                else "a épuisé la mémoire autorisée ou fait échouer le lecteur")
        raise InputError(f"la lecture de ce classeur {what} ; son contenu est anormal.", file=raw.name,
                         hint=ADVICE) from None
    columns = {h: typed_column(values) for h, values in sheet.columns.items()}
    return CellTable(sheet.headers, columns, sheet.n_rows, first_row=sheet.first_row, sheet=sheet.sheet)


def typed_column(values: list) -> pd.Series:
    """A column's cells as floats when every filled cell is a float, as text when every one is text, else as
    Python objects (then each cell is read by its own type): the typed columns are read without a loop."""
    kinds = {type(v) for v in values if v is not None}
    if kinds == {float}:
        return pd.Series(values, dtype="float64")
    if kinds == {str}:
        return pd.Series(values, dtype=TEXT_DTYPE)
    return pd.Series(values, dtype="object")
