"""Start page: the month's three exports (recognised by their columns, each reassignable or removable), the
columns a renamed export lacks, the configuration, the month, or the sample."""
from datetime import date

import streamlit as st

from bottleneck_core import InputError
from bottleneck_core.config import load_config
from bottleneck_core.formatting import integer, month_label, of_month, recent_periods
from bottleneck_core.io.mapping import column_choices, save_mapping, with_columns, without_column
from bottleneck_core.views.figures import config_summary
from app_pages._render import header, label_text, plain, show_error, verdict_banner
from app_pages._state import (SOURCE_LABELS, add_files, assign, config_in_use, config_template, month,
                              remove_file)

st.title("Données du mois")
st.caption("Déposez les trois exports du mois : l'ERP, la table de LIAISON et l'export WEB. Chacun est reconnu à ses "
           "colonnes ; corrigez l'attribution si besoin.")
session = st.session_state
uploader = f"uploader_{session.uploads_seen}"
st.file_uploader("Exports du mois (.xlsx, .csv ou .parquet)", type=["xlsx", "xls", "csv", "parquet"],
                 accept_multiple_files=True, key=uploader, on_change=add_files, args=(uploader,))
state = month()
periods = recent_periods(date.today().strftime("%Y-%m"))
if session.period not in periods:
    periods.insert(0, session.period)
with st.container(horizontal=True, vertical_alignment="bottom", gap="medium"):
    st.selectbox("Mois analysé", periods, index=periods.index(session.period), format_func=month_label,
                 key="period_choice", on_change=lambda: session.update(period=session.period_choice), width=220)
    if session.use_sample:
        st.button("Revenir à mes fichiers", icon=":material/folder_open:", disabled=not session.files,
                  on_click=lambda: session.update(use_sample=False))
    else:
        st.button("Utiliser les données d'exemple", icon=":material/science:",
                  help="Un mois généré, avec les mêmes pièges que les vrais exports ; jamais enregistré.",
                  on_click=lambda: session.update(use_sample=True))
# One label whatever the file (the header below names it): a new label made a new panel, closed on the file it
# had just received.
with st.expander("Configuration : seuil et chiffres de référence", icon=":material/tune:"):
    config_upload = st.file_uploader("Configuration (facultatif, YAML)", type=["yaml", "yml"],
                                     key=f"config_{session.uploads_seen}",
                                     help="Le format de la configuration fournie ou celui de l'ancien pipeline Kestra.")
    if config_upload is not None:
        try:
            load_config(config_upload.getvalue(), config_upload.name)
        except InputError as error:
            show_error(error)
        else:
            session.config_file = (config_upload.name, config_upload.getvalue())
            session.uploads_seen += 1
            st.rerun()
    st.caption(f"Configuration utilisée : {plain(state.config_name)}")
    st.markdown("\n".join(f"- {plain(line)}" for line in config_summary(config_in_use(state))))
    with st.container(horizontal=True):
        if session.config_file:
            st.button("Revenir à la configuration par défaut", icon=":material/undo:",
                      on_click=lambda: session.update(config_file=None))
        st.download_button("Télécharger le modèle", config_template(), "test_config.yaml",
                           mime="text/yaml", icon=":material/download:", on_click="ignore",
                           help="La configuration par défaut, commentée, à adapter puis à déposer ici.")
header(state)

st.subheader("Fichiers du mois")
for name in session.pop("replaced", []):  # said once, where the list of files is
    st.info(f"« {plain(name)} » a été remplacé par le fichier du même nom que vous venez de déposer, dont le "
            "contenu est différent.", icon=":material/swap_horiz:")
if session.use_sample:
    st.info("Ce sont les **données d'exemple** qui sont analysées (un mois généré). Vos fichiers restent ci-dessous ; "
            "« Revenir à mes fichiers » les analyse de nouveau.", icon=":material/science:")
if not state.rows:
    st.caption("Aucun fichier pour l'instant.")
options = list(SOURCE_LABELS)
for row in state.rows:
    with st.container(border=True, horizontal=True, vertical_alignment="center"):
        st.markdown(f"**{plain(row.name)}**", width="stretch")
        if row.refused:
            st.badge("refusé", color="red", icon=":material/block:")
        else:
            st.selectbox(f"Export de {label_text(row.name)}", options, index=options.index(row.kind),
                         format_func=SOURCE_LABELS.get, key=f"kind::{row.name}", on_change=assign,
                         args=(row.name,), label_visibility="collapsed", width=130)
            st.caption(f"{integer(row.guess.rows)} lignes · {integer(row.guess.columns)} colonnes"
                       + (f" · reconnu {SOURCE_LABELS[row.recognised]}" if row.kind != row.recognised else ""),
                       width="content")
        st.button("", icon=":material/delete:", key=f"remove::{row.name}", help=f"Retirer {label_text(row.name)}",
                  on_click=remove_file, args=(row.name,))
    if row.refused:
        show_error(row.refused)
    elif row.guess.missing:
        parsed = row.guess.parsed
        choices = {column: column_choices(parsed["headers"], parsed["samples"], row.recognised, column)
                   for column in row.guess.missing}
        missing = ", ".join(f"« {c} »" for c in row.guess.missing)
        with st.container(border=True):
            if not any(proposals or others for proposals, others, _ in choices.values()):
                st.markdown(f"**{plain(row.name)}** ressemble à l'export {SOURCE_LABELS[row.recognised]} mais il lui "
                            f"manque : {missing}, et aucune autre de ses colonnes ne peut en tenir lieu : réexportez-le "
                            "avec cette colonne.")
                continue
            st.markdown(f"**{plain(row.name)}** ressemble à l'export {SOURCE_LABELS[row.recognised]} mais il lui "
                        f"manque : {missing}. Indiquez la colonne du fichier qui en tient lieu ; la correspondance "
                        "sera reprise les mois suivants.")
            chosen = {}
            for column, (proposals, others, likely) in choices.items():
                if not proposals and not others:
                    st.markdown(f"Aucune autre colonne de ce fichier ne peut tenir lieu de « {column} ».")
                    continue
                why = {p.header: f"{p.header} ({', '.join(p.reasons)})" if p.reasons else p.header
                       for p in proposals}
                chosen[column] = st.selectbox(f"Colonne du fichier pour « {column} »",
                                              [p.header for p in proposals] + others,
                                              index=0 if likely else None, placeholder="Choisissez une colonne…",
                                              format_func=lambda h, why=why: why.get(h, h),
                                              key=f"map::{row.name}::{column}")
            ready = len(chosen) == len(row.guess.missing) and all(chosen.values())
            if st.button("Enregistrer la correspondance", icon=":material/link:", key=f"save_map::{row.name}",
                         disabled=not ready):
                try:
                    save_mapping(with_columns(state.mapping, row.recognised, chosen))
                except (InputError, OSError) as error:
                    show_error(error)
                else:
                    st.rerun()
for problem in state.problems:
    st.warning(plain(problem), icon=":material/rule:")
if state.mapping:
    with st.expander("Correspondances de colonnes enregistrées"):
        for kind, columns in state.mapping.items():
            for column, found in columns.items():
                line = st.columns([5, 1], vertical_alignment="center")
                line[0].markdown(f"{SOURCE_LABELS[kind]} : la colonne **{plain(found)}** du fichier tient lieu de "
                                 f"**{plain(column)}**")
                if line[1].button("", icon=":material/delete:", key=f"unmap::{kind}::{column}",
                                  help="Oublier cette correspondance"):
                    save_mapping(without_column(state.mapping, kind, column))
                    st.rerun()

if state.error:
    show_error(state.error)
if state.result is not None:
    st.divider()
    st.subheader(f"Analyse {of_month(state.result.period)}")
    verdict_banner(state.result)
    with st.container(horizontal=True):
        st.page_link("app_pages/etapes.py", label="Voir les étapes et contrôles", icon=":material/fact_check:")
        st.page_link("app_pages/chiffre_affaires.py", label="Voir le chiffre d'affaires", icon=":material/euro:")
        st.page_link("app_pages/premium.py", label="Voir les vins premium", icon=":material/workspace_premium:")
