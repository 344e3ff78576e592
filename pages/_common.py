"""Shared by the pages: the cached analysis, the session's current result and small render helpers."""
from __future__ import annotations

import re

import streamlit as st

from bottleneck_core import InputError, __version__
from bottleneck_core.checks import ERROR, FAILED, NOT_COMPUTABLE, PASSED, SKIPPED, CheckResult, blocking_failures
from bottleneck_core.config import DEFAULT_CONFIG_PATH
from bottleneck_core.exports import archive, merged_parquet, with_period
from bottleneck_core.formatting import euros, integer, number, plural
from bottleneck_core.pipeline import PipelineResult, run_pipeline
from bottleneck_core.reading import SourceGuess, identify
from bottleneck_core.schemas import CONTRACTS

SOURCE_LABELS = {kind: contract.label for kind, contract in CONTRACTS.items()}
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")


def plain(text: object) -> str:
    """Text shown exactly as written where Streamlit would read Markdown (file names, headers, messages)."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))


def label_text(text: object) -> str:
    """A file name fit for a widget label: the characters Markdown would act on are dropped."""
    return re.sub(r"[\[\]()*`<>|~$:#!\\{}=]", "", str(text))


def show_error(message: object) -> None:
    """A French error message, rendered as plain text."""
    st.error(plain(message), icon=":material/error:")
START_PAGE = "pages/donnees.py"


@st.cache_resource(show_spinner=False, max_entries=12)
def identify_upload(name: str, data: bytes) -> SourceGuess:
    """Which export an uploaded file is, and the export as read, cached on its content and shared, not
    copied: the analysis starts from it instead of reading the file again (nothing here modifies it)."""
    return identify(data, name)


def read_once(kind: str, upload: tuple[str, bytes]):
    """The export as read when the file was identified, if it went to the slot it was recognised for;
    otherwise its bytes, read under that slot's contract by the analysis."""
    name, data = upload
    try:
        table = identify_upload(name, data).table
    except InputError:
        table = None
    return table if table is not None and table.kind == kind else data


@st.cache_data(show_spinner="Analyse en cours…", max_entries=16)
def analyse(erp: tuple[str, bytes], liaison: tuple[str, bytes], web: tuple[str, bytes],
            config: tuple[str, bytes] | None, period: str) -> PipelineResult:
    """The month's analysis, cached on the files' content, the config and the period."""
    config_source = config[1] if config else DEFAULT_CONFIG_PATH
    from bottleneck_core.config import load_config

    loaded = load_config(config_source, config[0] if config else None)
    names = {"erp": erp[0], "liaison": liaison[0], "web": web[0]}
    return run_pipeline(read_once("erp", erp), read_once("liaison", liaison), read_once("web", web), loaded,
                        period=period, names=names)


@st.cache_data(show_spinner="Préparation des données d'exemple…", max_entries=4)
def analyse_sample(period: str) -> PipelineResult:
    """The analysis of the embedded sample, against the figures it was generated with."""
    from bottleneck_core.sample import generate

    sample = generate()
    names = {"erp": "exemple_erp.xlsx", "liaison": "exemple_liaison.xlsx", "web": "exemple_web.xlsx"}
    return run_pipeline(sample.erp, sample.liaison, sample.web, sample.config, period=period, names=names)


def set_result(key: tuple, compute) -> None:
    """Run the analysis for these inputs unless it is the session's current one; show input errors in French."""
    if st.session_state.get("result_key") == key:
        return
    try:
        result = compute()
    except InputError as exc:
        st.session_state.analysis_error = str(exc)
        return
    except Exception:  # a bug must not show a traceback: one French line, the app stays up
        st.session_state.analysis_error = ("L'analyse a rencontré une erreur inattendue. Vérifiez les fichiers "
                                           "déposés ; si le problème persiste, signalez-le à l'équipe.")
        return
    st.session_state.analysis_error = None
    st.session_state.result = result
    st.session_state.result_key = key
    st.session_state.threshold = result.threshold
    st.session_state.pop("result_at", None)


def base_result() -> PipelineResult | None:
    return st.session_state.get("result")


def current_result() -> PipelineResult | None:
    """The session's analysis at the threshold chosen on the premium page (no file re-read)."""
    base = base_result()
    if base is None:
        return None
    threshold = st.session_state.get("threshold", base.threshold)
    if threshold == base.threshold:
        return base
    memo = st.session_state.get("result_at")
    if memo and memo[0] is base and memo[1] == threshold:
        return memo[2]
    result = base.with_threshold(threshold)
    st.session_state.result_at = (base, threshold, result)
    return result


def require_result() -> PipelineResult:
    """The current result, or a friendly pointer to the start page (and the page stops)."""
    result = current_result()
    if result is None:
        st.info("Aucune analyse pour l'instant : déposez les trois exports du mois, ou essayez les données "
                "d'exemple, sur la page « Données du mois ».")
        st.page_link(START_PAGE, label="Aller à « Données du mois »", icon=":material/upload_file:")
        st.stop()
    return result


def deliverables(result: PipelineResult) -> dict[str, bytes]:
    """Every download of a result, built once per result and kept in the session."""
    memo = st.session_state.get("deliverables")
    if memo and memo[0] is result:
        return memo[1]
    files = {with_period(name, result.period): data for name, data in result.exports().items()}
    files[with_period("produits_fusionnes.parquet", result.period)] = merged_parquet(result)
    files[with_period("bottleneck.zip", result.period)] = archive(result, __version__)
    st.session_state.deliverables = (result, files)
    return files


STATUS_BADGES = {
    PASSED: ("réussi", "green", ":material/check_circle:"),
    SKIPPED: ("ignoré", "gray", ":material/remove_circle:"),
    NOT_COMPUTABLE: ("non calculable", "violet", ":material/help:"),
}


def number_columns(frame) -> dict:
    """Column settings for a table of rows: numbers in the reader's format (1 513 ; 126,5), spreadsheet row
    numbers as they appear in Excel."""
    import pandas as pd

    columns = frame.columns if isinstance(frame, pd.DataFrame) else (frame[0].keys() if frame else [])
    values = frame if isinstance(frame, pd.DataFrame) else pd.DataFrame(frame)
    return {column: st.column_config.NumberColumn(format="plain" if str(column).endswith("_row") else "localized")
            for column in columns
            if pd.api.types.is_numeric_dtype(values[column]) and not pd.api.types.is_bool_dtype(values[column])}


def check_badge(check: CheckResult) -> None:
    """A pass/fail badge: errors red, warnings orange, skipped grey."""
    if check.status == FAILED:
        label, color, icon = (("échec", "red", ":material/cancel:") if check.severity == ERROR
                              else ("avertissement", "orange", ":material/warning:"))
    else:
        label, color, icon = STATUS_BADGES[check.status]
    st.badge(label, color=color, icon=icon)


def shown(value: object, check_id: str = "") -> str:
    """An expected or actual value in French format."""
    if value is None:
        return "—"
    if check_id == "revenue_total" or check_id == "revenue_adds_up":
        return euros(float(value))
    if isinstance(value, float) and not value.is_integer():
        return number(value)
    if isinstance(value, (int, float)):
        return integer(int(value))
    return str(value)


def status_banner(result: PipelineResult) -> None:
    """One banner on top: every blocking check passed, or which ones failed."""
    failed = [c for c in result.checks if c.blocking_failure]
    warnings = [c for c in result.checks if c.severity != ERROR and c.status == FAILED]
    passed_refs = sum(1 for c in result.checks if c.id in result.config.expectations and c.status == PASSED)
    refs = (f"{passed_refs} / {len(result.config.expectations)} contrôles de référence réussis"
            if result.config.expectations else "aucun chiffre de référence dans la configuration")
    if not failed:
        rules = ", ".join(f"« {c.title} »" for c in warnings)
        notes = (f" {plural(len(warnings), 'avertissement')}, règles non respectées : {rules}." if warnings
                 else " Aucun avertissement.")
        st.success(f"Tous les contrôles bloquants sont réussis ({refs}).{notes}", icon=":material/verified:")
    else:
        names = ", ".join(f"{c.title} ({c.id})" for c in failed)
        st.error(f"{blocking_failures(len(failed))} : {names}.", icon=":material/error:")
