"""How the pages show things: the header every page opens with, the verdict banner, badges, tables in French
whatever the browser's language, the pointer back to the start page. Nothing here computes a figure."""
from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from bottleneck_core.formatting import euros, integer, month_label, number, percent
from bottleneck_core.labels import COLUMN_LABELS, COLUMN_UNITS, status_label
from bottleneck_core.views.figures import sources_detail
from bottleneck_core.views.lineage import banner, failed_badge
from app_pages._state import back_to_record

START_PAGE = "app_pages/donnees.py"
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")
BADGES = {("failed", "error"): ("red", ":material/cancel:"), ("failed", "warning"): ("orange", ":material/warning:"),
          "passed": ("green", ":material/check_circle:"), "skipped": ("gray", ":material/remove_circle:"),
          "not_computable": ("violet", ":material/help:")}  # the words are the core's (status_label)
FORMATS = {"€": euros, "count": lambda v: integer(v), "z": lambda v: number(v), "row": lambda v: str(int(v)),
           "%": percent, "": lambda v: integer(v) if float(v).is_integer() else number(v)}


def plain(text: object) -> str:
    """Text shown exactly as written where Streamlit would read Markdown (file names, headers, messages)."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))


def label_text(text: object) -> str:
    """A file name fit for a widget label: the characters Markdown would act on are dropped."""
    return re.sub(r"[\[\]()*`<>|~$:#!\\{}=]", "", str(text))


def show_error(message: object) -> None:
    st.error(plain(message), icon=":material/error:")


def header(state) -> None:
    """What is shown, on every page: the month, the files (or the sample), the configuration and the threshold."""
    result = state.result
    if result is None:
        return
    files = "données d'exemple" if result.sample else ", ".join(t.name for t in result.sources.values())
    threshold = (f"seuil simulé **{number(result.threshold)}** (configuration : {number(result.config.threshold)})"
                 if result.simulated else f"seuil {number(result.threshold)} (configuration)")
    failed = failed_badge(result)
    with st.container(border=True, horizontal=True, vertical_alignment="center", gap="small"):
        # A failed month, a simulation and the sample are said in colour on every page, not only in words.
        st.markdown((f":red-badge[:material/error: {failed}] " if failed else "")
                    + (":orange-badge[:material/science: Simulation] " if result.simulated else "")
                    + (":violet-badge[:material/dataset: Données d'exemple] " if result.sample else "")
                    + f":material/calendar_month: **{month_label(result.period)}** · {plain(files)} · "
                    f"configuration {plain(state.config_name)} · {threshold}", help=plain(sources_detail(result)))
        if failed:
            st.page_link("app_pages/etapes.py", label="Voir les contrôles", icon=":material/rule:")
        if result.simulated:
            st.button("Revenir au seuil de la configuration", icon=":material/undo:", key="back_to_record",
                      on_click=back_to_record, type="secondary", width="content")


def require_result(state):
    """The shown result, or why there is none and the way back to the start page (and the page stops)."""
    if state.result is None:
        if state.error or state.problems or any(row.lacks_columns for row in state.rows):
            st.warning("Aucune analyse n'est affichée : les fichiers du mois sont incomplets ou inutilisables. "
                       "Voyez la page « Données du mois ».", icon=":material/block:")
        else:
            st.info("Aucune analyse pour l'instant : déposez les trois exports du mois, ou essayez les données "
                    "d'exemple, sur la page « Données du mois ».")
        st.page_link(START_PAGE, label="Aller à « Données du mois »", icon=":material/upload_file:")
        st.stop()
    return state.result


def verdict_banner(result) -> None:
    """One banner: every blocking check passed, or which ones failed; the same on every page."""
    shown = banner(result)
    (st.success if shown.ok else st.error)(plain(shown.text), icon=":material/verified:" if shown.ok
                                           else ":material/error:")
    repeated_exports(result)


def repeated_exports(result) -> None:
    """A warning, yet the one that says the whole month may be the wrong one (last month's exports dropped again):
    said beside the verdict and above the history's save button, not only among the checks."""
    repeated = next((c for c in result.checks if c.id == "not_previous_exports" and c.warning), None)
    if repeated:
        st.warning(plain(repeated.message), icon=":material/content_copy:")


def badge(check) -> None:
    color, icon = BADGES.get((check.status, check.severity)) or BADGES[check.status]
    st.badge(status_label(check.status, check.severity), color=color, icon=icon)


def french_table(frame: pd.DataFrame, units: dict[str, str] | None = None, empty: str = "Aucune ligne.", **options):
    """A table whose numbers read the French way whatever the browser's language (2 288,00 €, 1 513), still sorted
    as numbers when a header is clicked; no rows is said in French (the grid's own word is « empty »)."""
    if frame.empty:
        st.caption(empty)
        return None
    units = {**{COLUMN_LABELS.get(c, c): u for c, u in COLUMN_UNITS.items()}, **(units or {})}
    formats = {c: FORMATS[units.get(c, "")] for c in frame.columns
               if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])}
    styled = frame.style.format(na_rep="—").format(formats, na_rep="—")
    # A missing value is a dash, never « None »: the grid draws its own word for an empty cell whatever the
    # Styler says, unless told another one.
    options.setdefault("placeholder", "—")
    options.setdefault("hide_index", True)
    options.setdefault("width", "stretch")
    return st.dataframe(styled, **options)


def kpis(items) -> None:
    """Headline figures side by side, wrapping onto more lines on a narrow screen rather than cutting a figure:
    the cards are as wide as their longest figure needs (16 px a character at the metric's size), 205 px at least."""
    width = max(205, 16 * max((len(item.value) for item in items), default=0) + 40)
    with st.container(horizontal=True, gap="medium"):
        for item in items:
            st.metric(item.label, item.value, delta=item.delta, help=item.help, border=True, width=width,
                      delta_arrow="auto" if item.moved else "off", delta_color="normal" if item.moved else "off")
