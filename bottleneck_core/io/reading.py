"""Reading the exports: each file parsed in a process of its own (several at once), then held to its contract.
Every frame leaves here with the contract's columns, typed, and each row's number in its file."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

import pandas as pd

from ..errors import InputError
from .cells import Sheet
from .conform import conform
from .contracts import CONTRACT_HINT, CONTRACTS, closest_kind, columns_found, fold_header, guess_kind, wanted_columns
from .files import Readable, RawFile, detect_format, named_raw
from .sandbox import Parse, finish_parse, parse_file, start_parse, start_reading

Mapping = dict[str, dict[str, str]]  # per export: contract column -> the file's header standing for it


class NotAnExport(InputError):
    """A file whose columns are those of no export."""


@dataclass(frozen=True)
class SourceTable:
    """One export read under its contract, with what reading repaired, adjusted and did not know."""

    kind: str
    name: str
    frame: pd.DataFrame
    repairs: pd.DataFrame
    adjustments: pd.DataFrame
    unknown_columns: tuple[str, ...]
    mapped: dict[str, str]
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


@dataclass(frozen=True)
class SourceGuess:
    """What a file looks like: the export its columns match (or come closest to, with the required columns it
    lacks), its size, a few values of each column, and the file as parsed and as read under that contract (so
    that nothing is parsed twice), or why its values break the contract."""

    raw: RawFile = field(repr=False)
    parsed: Sheet = field(repr=False)
    kind: str
    missing: tuple[str, ...] = ()
    table: SourceTable | None = field(default=None, repr=False)
    error: str | None = None

    @property
    def name(self) -> str:
        return self.raw.name

    @property
    def rows(self) -> int:
        return len(self.parsed["rows"])

    @property
    def columns(self) -> int:
        return len(self.parsed["headers"])


Source = Union[Readable, pd.DataFrame, SourceTable, SourceGuess, Parse]


def _frame_sheet(frame: pd.DataFrame) -> Sheet:
    headers = [str(c) for c in frame.columns]
    return {"headers": headers, "columns": {h: frame.iloc[:, i] for i, h in enumerate(headers)},
            "rows": list(range(2, len(frame) + 2)), "sheet": None, "notes": [],
            "samples": {h: frame.iloc[:20, i].dropna().tolist() for i, h in enumerate(headers)}}


def _table(raw: RawFile, sheet: Sheet, kind: str, mapping: Mapping | None) -> SourceTable:
    frame, repairs, adjustments, mapped = conform(sheet, kind, raw.name, (mapping or {}).get(kind))
    known = CONTRACTS[kind].known | {fold_header(h) for h in mapped.values()}
    unknown = tuple(h for h in sheet["headers"] if fold_header(h) not in known and h not in mapped.values())
    return SourceTable(kind, raw.name, frame, repairs, adjustments, unknown, mapped, raw.size,
                       raw.sha256 if raw.data else "", len(sheet["headers"]), sheet.get("sheet"))


def read_source(source: Source, kind: str, name: str | None = None, mapping: Mapping | None = None) -> SourceTable:
    """One export read and held to its contract; a file already identified is not parsed again."""
    return read_sources({kind: source}, {kind: name} if name else None, mapping)[kind]


def read_sources(sources: dict[str, Source], names: dict[str, str] | None = None,
                 mapping: Mapping | None = None) -> dict[str, SourceTable]:
    """The exports read side by side (a parsing process each), then held to their contracts in ERP, LIAISON,
    WEB order: when several are unusable, the first one's error is told."""
    names, wanted = names or {}, wanted_columns(mapping)
    pending = {kind: source if isinstance(source, (SourceTable, SourceGuess, pd.DataFrame, Parse))
               else start_reading(source, names.get(kind), wanted, f"export {CONTRACTS[kind].label}")
               for kind, source in sources.items()}
    tables = {}
    for kind in sorted(pending, key=list(CONTRACTS).index):
        item, name = pending[kind], names.get(kind)
        if isinstance(item, SourceTable):
            if item.kind != kind:
                raise InputError(f"ce fichier est l'export {item.label}, pas l'export {CONTRACTS[kind].label}.",
                                 file=item.name, hint=f"Déposez-le à la place {item.label}.")
            tables[kind] = item
        elif isinstance(item, SourceGuess):
            parsed = item.parsed
            if not {fold_header(h) for h in parsed["headers"]} & wanted <= {fold_header(h) for h in parsed["columns"]}:
                parsed = parse_file(item.raw, detect_format(item.raw), wanted)  # a newly mapped column's values
            same = (item.table is not None and item.table.kind == kind and parsed is item.parsed
                    and not (mapping or {}).get(kind))
            tables[kind] = item.table if same else _table(item.raw, parsed, kind, mapping)
        elif isinstance(item, pd.DataFrame):
            tables[kind] = _table(RawFile(name or f"{CONTRACTS[kind].label} (tableau)", b""), _frame_sheet(item),
                                  kind, mapping)
        else:
            raw = RawFile(name, item.raw.data) if name else item.raw
            tables[kind] = _table(raw, finish_parse(item), kind, mapping)
    return {kind: tables[kind] for kind in sources}


def recognise(headers: list[str], mapping: Mapping | None = None) -> tuple[str | None, tuple[str, ...]]:
    """The export these headers are (with the user's mapping), or the closest one and its missing columns."""
    folded = [fold_header(h) for h in headers]
    for kind, columns in (mapping or {}).items():
        folded += [c for c, h in columns.items() if h in headers]
    kind = guess_kind(folded)
    if kind:
        return kind, ()
    closest = closest_kind(folded)
    if closest is None:
        return None, ()
    return closest, tuple(c for c in CONTRACTS[closest].required if c not in folded)


def identify(source: Readable, name: str | None = None, mapping: Mapping | None = None) -> SourceGuess:
    """Which export a file is, from its columns, parsed once; a file like none is refused, its columns listed."""
    outcome = identify_all([(source, name)], mapping)[0]
    if isinstance(outcome, InputError):
        raise outcome
    return outcome


def identify_all(files: list[tuple[Readable, str | None]], mapping: Mapping | None = None
                 ) -> list[SourceGuess | InputError]:
    """Several files identified side by side (a parsing process each, as the three exports of a month arrive
    together): for each, in order, its guess or why it is refused."""
    wanted = wanted_columns(mapping)
    started: list[Parse | InputError] = []
    for source, name in files:
        try:
            raw = named_raw(source, name, "fichier")
            started.append(start_parse(raw, detect_format(raw), wanted))
        except InputError as error:
            started.append(error)
    outcomes: list[SourceGuess | InputError] = []
    for parse in started:
        try:
            if isinstance(parse, InputError):
                raise parse
            outcomes.append(_guess(parse.raw, finish_parse(parse), mapping))
        except InputError as error:
            outcomes.append(error)
    return outcomes


def _guess(raw: RawFile, parsed: Sheet, mapping: Mapping | None) -> SourceGuess:
    kind, missing = recognise(parsed["headers"], mapping)
    if kind is None:
        raise NotAnExport("ses colonnes ne correspondent à aucun export attendu (colonnes trouvées : "
                          f"{columns_found(parsed['headers'])}).", file=raw.name, hint=CONTRACT_HINT)
    if missing:
        return SourceGuess(raw, parsed, kind, missing)
    try:
        return SourceGuess(raw, parsed, kind, table=_table(raw, parsed, kind, mapping))
    except InputError as error:
        return SourceGuess(raw, parsed, kind, error=str(error))
