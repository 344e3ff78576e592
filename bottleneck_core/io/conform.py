"""A parsed file under its export's contract: the contract's columns found (by name, or by the user's mapping),
typed, with what was repaired; anything unusable is one InputError naming the file, the column and the rows."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from .cells import Sheet
from .contracts import CONTRACTS, KEY, NUMBER, closest_kind, columns_found, fold_header, guess_kind
from .values import BadValues, cell_text, read_keys, read_numbers, read_texts, typed_column

REPAIR_COLUMNS = ["source_row", "column", "original", "repaired"]
READERS = {KEY: read_keys, NUMBER: read_numbers}


def find_columns(headers: list[str], kind: str, mapping: dict[str, str] | None, where: str) -> dict[str, str]:
    """Each contract column the file holds, to its header there: by name, else by the user's mapping."""
    contract = CONTRACTS[kind]
    by_name: dict[str, str] = {}
    for header in headers:
        folded = fold_header(header)
        if folded in contract.used and folded in by_name:
            raise InputError(f"la colonne « {folded} » apparaît deux fois.", file=where,
                             hint="Supprimez la colonne en double puis déposez le fichier de nouveau.")
        by_name.setdefault(folded, header)
    found = {c: by_name[c] for c in contract.used if c in by_name}
    for column, header in (mapping or {}).items():
        if column in contract.used and column not in found and header in headers:
            found[column] = header
    return found


def missing_columns_error(where: str, kind: str, missing: list[str], headers: list[str],
                          mapping: dict[str, str] | None = None) -> InputError:
    label = CONTRACTS[kind].label
    names = ", ".join(f"« {c} »" for c in missing)
    word = "colonne obligatoire absente" if len(missing) == 1 else "colonnes obligatoires absentes"
    lookalike = guess_kind(headers)
    mapped = {c: (mapping or {})[c] for c in missing if c in (mapping or {})}
    if mapped:  # the user's mapping names a column this file does not have: say the mapping, not the contract
        said = ", ".join(f"« {c} » par « {h} »" for c, h in mapped.items())
        hint = (f"La correspondance de colonnes fait tenir {said}, absente de ce fichier : corrigez la "
                "correspondance (nom exact de la colonne du fichier), ou réexportez le fichier.")
    elif lookalike and lookalike != kind:
        hint = (f"Ce fichier ressemble à l'export {CONTRACTS[lookalike].label} : faites-le compter comme export "
                f"{CONTRACTS[lookalike].label}, et donnez comme export {label} le vrai export {label}.")
    elif closest_kind(headers) == kind:
        hint = (f"Indiquez la colonne qui en tient lieu (correspondance de colonnes), ou réexportez l'export {label} "
                "avec toutes ses colonnes.")
    else:
        hint = f"Ce fichier ne ressemble pas à l'export {label} attendu."
    return InputError(f"{word} : {names} (colonnes trouvées : {columns_found(headers)}).", file=where, hint=hint)


def conform(sheet: Sheet, kind: str, file_name: str, mapping: dict[str, str] | None = None
            ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """The contract's columns typed, each row with its number in the file; the repairs made to values, the
    adjustments made to the file itself, and the contract columns found under another header."""
    contract = CONTRACTS[kind]
    where = f"{file_name} (feuille « {sheet['sheet']} »)" if sheet.get("sheet") else file_name
    headers = sheet["headers"]
    found = find_columns(headers, kind, mapping, where)
    missing = [c for c in contract.required if c not in found]
    if missing:
        raise missing_columns_error(where, kind, missing, headers, mapping)
    rows = np.asarray(sheet["rows"], dtype="int64")
    if not len(rows):
        raise InputError("le fichier ne contient que l'en-tête, aucune ligne de données.", file=where,
                         hint="Vérifiez que l'export n'a pas été filtré ou tronqué.")
    data, repairs = {}, []
    for column, column_kind in contract.used.items():
        if column not in found:
            data[column] = pd.Series([None] * len(rows), dtype="object")
            continue
        header = found[column]
        raw = sheet["columns"][header]
        values = raw.reset_index(drop=True) if isinstance(raw, pd.Series) else typed_column(raw)
        try:
            parsed, repaired = READERS.get(column_kind, read_texts)(values)
        except BadValues as bad:
            examples = ", ".join(f"« {cell_text(v)} »" for v in values[bad.mask].head(3).tolist())
            raise InputError(f"{bad.what} ({examples}).", file=where, column=header, rows=rows[bad.mask].tolist(),
                             hint=bad.hint) from None
        data[column] = parsed
        if repaired.any():
            repairs.append(pd.DataFrame({"source_row": rows[repaired], "column": header,
                                         "original": [cell_text(v) for v in values[repaired].tolist()],
                                         "repaired": parsed[repaired].astype(str).to_numpy()}))
    frame = pd.DataFrame(data)
    frame["source_row"] = rows
    adjustments = pd.DataFrame([{"source_row": row, "column": None, "original": note["original"],
                                 "repaired": note["repaired"]} for note in sheet.get("notes", [])
                                for row in note["rows"]], columns=REPAIR_COLUMNS)
    repair_table = pd.concat(repairs, ignore_index=True) if repairs else pd.DataFrame(columns=REPAIR_COLUMNS)
    mapped = {c: h for c, h in found.items() if fold_header(h) != c}
    return frame, repair_table, adjustments, mapped
