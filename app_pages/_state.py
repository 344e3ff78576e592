"""The session's inputs, held in one place, and everything the pages show derived from them on each run (cached on
the files' content): which file is which export, what is missing, the analysis of record and the shown one. When the
inputs are incomplete or invalid, there is no result at all: no page can show figures from other inputs."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date

import streamlit as st

from bottleneck_core import InputError
from bottleneck_core.config import DEFAULT_CONFIG_PATH, load_config
from bottleneck_core.io.contracts import CONTRACTS
from bottleneck_core.io.mapping import load_mapping, mapping_path
from bottleneck_core.io.reading import SourceGuess, identify_all

SOURCE_LABELS = {kind: contract.label for kind, contract in CONTRACTS.items()}
SAMPLE_CONFIG = "des données d'exemple (leurs propres chiffres attendus)"
DEFAULT_CONFIG = "par défaut (test_config.yaml)"  # a file's name, never its path
LOG = logging.getLogger("bottleneck")  # the server's console: what support reads
UNEXPECTED = ("L'analyse a rencontré une erreur inattendue. Vérifiez les fichiers déposés ; si le problème persiste, "
              "signalez-le à l'équipe.")


def init() -> None:
    """The session's defaults: no file, the default configuration, this month, the configuration's threshold."""
    st.session_state.setdefault("files", {})  # file name -> (sha256, bytes), in the order they came
    st.session_state.setdefault("assignment", {})  # file name -> the export the user chose for it
    st.session_state.setdefault("use_sample", False)
    st.session_state.setdefault("config_file", None)  # (name, bytes) or None for config/test_config.yaml
    st.session_state.setdefault("period", date.today().strftime("%Y-%m"))
    st.session_state.setdefault("threshold", None)  # None: the configuration's; a number: a simulation
    st.session_state.setdefault("uploads_seen", 0)  # the uploader's key: a new one empties it once read
    st.session_state.setdefault("slider_resets", 0)  # the threshold slider's key: a new one starts on the record's


def add_files(key: str) -> None:
    """The uploader's new files join the month's inputs (a file of the same name is replaced) and the sample gives
    way to them. Run as the uploader's callback, before the page: the drop zone comes back empty under a new key,
    and the table of the month's files is the one list."""
    for upload in st.session_state.get(key) or []:
        data = upload.getvalue()
        digest = hashlib.sha256(data).hexdigest()
        if st.session_state.files.get(upload.name, (digest,))[0] != digest:  # same name, other content: said
            st.session_state.setdefault("replaced", []).append(upload.name)
        st.session_state.files[upload.name] = (digest, data)
        st.session_state.assignment.pop(upload.name, None)  # recognised anew
    st.session_state.use_sample = False
    st.session_state.uploads_seen += 1


def back_to_record() -> None:
    """The analysis of record again: the simulated threshold forgotten, and the slider drawn anew on the
    configuration's (a widget keeps what the browser last sent until its key changes)."""
    st.session_state.threshold = None
    st.session_state.slider_resets += 1


def slider_key() -> str:
    return f"threshold_slider_{st.session_state.slider_resets}"


def remove_file(name: str) -> None:
    st.session_state.files.pop(name, None)
    st.session_state.assignment.pop(name, None)


def assign(name: str) -> None:
    st.session_state.assignment[name] = st.session_state[f"kind::{name}"]


@st.cache_resource(show_spinner=False, max_entries=4)
def _saved_mapping(path: str, stamp: int) -> dict:
    """The saved mapping, read again only when its file changes (shared, never modified)."""
    return load_mapping(path) if stamp else {}


def mapping_now() -> dict:
    """The column mapping as saved now: one saved by a colleague's session or by hand is seen at the next click."""
    path = mapping_path()
    return _saved_mapping(str(path), path.stat().st_mtime_ns if path.exists() else 0)


def mapping_key(mapping: dict) -> str:
    return repr(sorted((k, sorted(v.items())) for k, v in mapping.items()))


@st.cache_resource(show_spinner=False, max_entries=16)
def identify_files(key: tuple, _files: tuple, _mapping: dict) -> dict[str, SourceGuess | str]:
    """Which export each file is, the files that arrived together parsed side by side, once per content and shared
    (never modified): the analysis starts from them. A file refused at once gives its French message instead."""
    outcomes = identify_all([(data, name) for name, data in _files], _mapping)
    return {name: o if isinstance(o, SourceGuess) else str(o) for (name, _), o in zip(_files, outcomes)}


def guesses_of(files: dict, mapping: dict) -> dict[str, SourceGuess | str]:
    """Each file's guess under this mapping; only the files not identified yet are parsed (in one batch)."""
    session, key = st.session_state, mapping_key(mapping)
    known = session.setdefault("guesses", {})  # file name -> (sha256, mapping key, guess)
    new = [(name, sha, data) for name, (sha, data) in files.items() if known.get(name, ())[:2] != (sha, key)]
    if new:
        batch = identify_files((key, tuple((name, sha) for name, sha, _ in new)),
                               tuple((name, data) for name, _, data in new), mapping)
        known.update({name: (sha, key, batch[name]) for name, sha, _ in new})
    for name in [n for n in known if n not in files]:
        del known[name]
    return {name: known[name][2] for name in files}


@dataclass(frozen=True)
class FileRow:
    """One file of the month's inputs as the table shows it."""

    name: str
    kind: str | None  # the export it stands for (the user's choice, else the one recognised)
    recognised: str | None
    guess: SourceGuess | None
    refused: str | None  # why the file cannot be used at all

    @property
    def lacks_columns(self) -> bool:
        """Recognised, but short of columns: the start page asks for their mapping, no analysis runs meanwhile."""
        return self.guess is not None and bool(self.guess.missing) and self.kind == self.recognised


@dataclass
class MonthState:
    """What the pages show, derived from the inputs on this run."""

    rows: list[FileRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # why there is no analysis, in French
    error: str | None = None
    record: object = None  # the analysis of record (PipelineResult), or None
    result: object = None  # what is shown: the record, or its simulation at another threshold
    sample: bool = False
    config_name: str = DEFAULT_CONFIG
    mapping: dict = field(default_factory=dict)  # the column mapping the files were read with


def config_in_use(state: MonthState):
    """The configuration the month is (or will be) checked against: the analysis's own, else the one chosen."""
    return state.record.config if state.record is not None else _chosen_config(st.session_state.config_file)


@st.cache_resource(max_entries=16)
def _chosen_config(config: tuple[str, bytes] | None):
    """A configuration file read once, not on each rerun of the start page (a Config is never modified)."""
    return load_config(config[1], config[0]) if config else load_config(DEFAULT_CONFIG_PATH)


@st.cache_data
def config_template() -> bytes:
    """The commented default configuration, offered for download."""
    return DEFAULT_CONFIG_PATH.read_bytes()


@st.cache_resource(show_spinner="Analyse en cours…", max_entries=16, ttl=600)
def analyse(key: tuple, _guesses: dict, _config: tuple | None, period: str, _mapping: dict):
    """The month's analysis, cached on the files' content, the configuration, the mapping, the period and the
    writes to the history by this server's sessions (another process's are seen within ten minutes)."""
    from bottleneck_core import run_pipeline

    config = load_config(_config[1], _config[0]) if _config else load_config(DEFAULT_CONFIG_PATH)
    names = {kind: guess.name for kind, guess in _guesses.items()}
    return run_pipeline(_guesses["erp"], _guesses["liaison"], _guesses["web"], config, period=period, names=names,
                        mapping=_mapping or None, previous=previous_month(period))


@st.cache_resource(show_spinner="Préparation des données d'exemple…", max_entries=4)
def analyse_sample(period: str):
    from bottleneck_core import run_pipeline
    from bottleneck_core.sample import generate

    sample = generate()
    names = {"erp": "exemple_erp.xlsx", "liaison": "exemple_liaison.xlsx", "web": "exemple_web.xlsx"}
    return run_pipeline(sample.erp, sample.liaison, sample.web, sample.config, period=period, names=names, sample=True)


@st.cache_resource(show_spinner=False, max_entries=64)
def simulate(key: tuple, threshold: float, _record):
    """The analysis of record split again at another threshold (no file read)."""
    from bottleneck_core import with_threshold

    return with_threshold(_record, threshold)


def previous_month(period: str):
    """The previous recorded month, for the month-over-month checks; none when the history cannot be read."""
    from bottleneck_core.runs.history import HistoryError
    from bottleneck_core.runs.history import previous_month as lookup

    try:
        return lookup(period)
    except HistoryError:
        return None


def month() -> MonthState:
    """The month's state from the session's inputs, on this run."""
    init()
    session = st.session_state
    state = MonthState(config_name=session.config_file[0] if session.config_file else DEFAULT_CONFIG)
    try:
        state.mapping = mapping = mapping_now()
    except InputError as error:  # a mapping file edited by hand into something unusable
        mapping = {}
        state.problems.append(str(error))
    for name, guess in guesses_of(session.files, mapping).items():
        if isinstance(guess, str):
            state.rows.append(FileRow(name, None, None, None, guess))
        else:
            state.rows.append(FileRow(name, session.assignment.get(name, guess.kind), guess.kind, guess, None))
    if session.use_sample:
        state.sample = True
        state.config_name = SAMPLE_CONFIG  # the sample's own expected figures, not the configuration chosen
        state.record = analyse_sample(session.period)
    else:
        by_kind = {kind: [r for r in state.rows if r.kind == kind] for kind in SOURCE_LABELS}
        for kind, rows in by_kind.items():
            if len(rows) > 1:
                state.problems.append(f"Plusieurs fichiers comptent comme {SOURCE_LABELS[kind]} : "
                                      f"{' et '.join(r.name for r in rows)}. Attribuez chacun à son export (liste "
                                      "déroulante) ou retirez celui qui n'a pas sa place.")
        missing = [SOURCE_LABELS[k] for k, rows in by_kind.items() if not rows]
        if missing and state.rows:
            state.problems.append(f"Il manque : {', '.join(missing)}.")
        if not state.problems and state.rows and not missing and not any(r.lacks_columns for r in state.rows):
            state.record = _record_of(state, {k: rows[0].guess for k, rows in by_kind.items()}, mapping)
    if state.record is not None:
        threshold = session.threshold
        state.result = state.record if threshold is None or threshold == state.record.threshold else simulate(
            _key(state.record), float(threshold), state.record)
    return state


@st.cache_resource
def _history_writes() -> dict[str, int]:
    """How many times this server's sessions wrote to the history."""
    return {"count": 0}


def history_written() -> None:
    """A session wrote to the history: every session's next analysis compares with the months as they now are
    (another server's or the scheduled run's writes are seen within ten minutes, the analyses' cache time)."""
    _history_writes()["count"] += 1


def _key(record) -> tuple:
    return (record.period, record.sample, record.config.source, tuple(t.sha256 for t in record.sources.values()),
            record.threshold)


def _record_of(state: MonthState, guesses: dict, mapping: dict):
    session = st.session_state
    config = session.config_file
    key = (session.period, mapping_key(mapping), hashlib.sha256(config[1]).hexdigest() if config else None,
           tuple((k, g.name, g.raw.sha256) for k, g in guesses.items()), _history_writes()["count"])
    try:
        return analyse(key, guesses, config, session.period, mapping)
    except InputError as error:
        state.error = str(error)
    except Exception:  # a bug must not show a traceback: one French line, the app stays up, the log keeps it
        LOG.exception("unexpected error in the analysis of %s (files %s)", session.period,
                      ", ".join(g.name for g in guesses.values()))
        state.error = UNEXPECTED
    return None
