"""Start page: upload the month's three exports (recognised by their columns), a config, the month."""
from datetime import date

import streamlit as st

from bottleneck_core import InputError
from bottleneck_core.config import load_config
from bottleneck_core.formatting import integer, month_label, recent_periods
from pages._common import (SOURCE_LABELS, analyse, analyse_sample, base_result, identify_upload, label_text,
                           plain, set_result, show_error, status_banner)

st.title("Données du mois")
st.caption("Déposez les trois exports du mois : l'ERP, la table de LIAISON et l'export WEB. Ils sont "
           "reconnus à leurs colonnes ; corrigez l'attribution si besoin.")

uploads: dict[str, bytes] = st.session_state.uploads
assignment: dict[str, str] = st.session_state.assignment

new_files = st.file_uploader("Exports du mois (.xlsx, .csv ou .parquet)", type=["xlsx", "xls", "csv", "parquet"],
                             accept_multiple_files=True, key="uploader")
for upload in new_files or []:
    data = upload.getvalue()
    if uploads.get(upload.name) == data:
        continue
    try:
        guess = identify_upload(upload.name, data)
    except InputError as exc:
        show_error(exc)
        continue
    for name, kind in list(assignment.items()):
        if kind == guess.kind and name != upload.name:  # a newer export of the same source replaces the older
            del assignment[name]
            uploads.pop(name, None)
    uploads[upload.name] = data
    assignment[upload.name] = guess.kind
    st.session_state.use_sample = False

left, right = st.columns([3, 2])
with right:
    today = date.today().strftime("%Y-%m")
    periods = recent_periods(today)
    current = st.session_state.get("period", today)
    st.session_state.period = st.selectbox("Mois analysé", periods, index=periods.index(current)
                                           if current in periods else 0, format_func=month_label)
    version = st.session_state.setdefault("config_uploader_version", 0)  # a new key empties the widget
    config_file = st.file_uploader("Configuration (facultatif, YAML)", type=["yaml", "yml"],
                                   key=f"config_uploader_{version}",
                                   help="Le format de config/test_config.yaml ou celui de l'ancien pipeline "
                                        "Kestra. Sans fichier : config/test_config.yaml.")
    if config_file is not None:
        try:
            load_config(config_file.getvalue(), config_file.name)
        except InputError as exc:
            show_error(exc)
        else:
            st.session_state.config_upload = (config_file.name, config_file.getvalue())
    config = st.session_state.get("config_upload")
    st.caption(f"Configuration utilisée : {plain(config[0]) if config else 'config/test_config.yaml'}")
    if config and st.button("Revenir à config/test_config.yaml", icon=":material/undo:"):
        del st.session_state["config_upload"]
        st.session_state.config_uploader_version += 1
        st.rerun()
    if st.button("Utiliser les données d'exemple", icon=":material/science:",
                 help="Un mois généré, avec les mêmes pièges que les vrais exports."):
        st.session_state.use_sample = True

with left:
    st.subheader("Fichiers déposés")
    if not uploads:
        st.caption("Aucun fichier pour l'instant.")
    else:
        header = st.columns([4, 3, 2, 2, 1])
        for column, title in zip(header, ["Fichier", "Source reconnue", "Lignes", "Colonnes", ""]):
            column.markdown(f"**{title}**")
        options = list(SOURCE_LABELS)
        for name in list(uploads):
            guess = identify_upload(name, uploads[name])
            row = st.columns([4, 3, 2, 2, 1], vertical_alignment="center")
            row[0].text(name)
            assignment[name] = row[1].selectbox(
                f"Source de {label_text(name)}", options, index=options.index(assignment.get(name, guess.kind)),
                format_func=SOURCE_LABELS.get, key=f"kind::{name}", label_visibility="collapsed")
            row[2].text(integer(guess.rows))
            row[3].text(integer(guess.columns))
            if row[4].button("", icon=":material/delete:", key=f"remove::{name}", help=f"Retirer {name}"):
                uploads.pop(name)
                assignment.pop(name, None)
                st.rerun()

by_kind = {kind: [n for n, k in assignment.items() if k == kind and n in uploads] for kind in SOURCE_LABELS}
period = st.session_state.period
if st.session_state.use_sample:
    set_result(("sample", period), lambda: analyse_sample(period))
    st.info("Analyse des **données d'exemple** (aucun fichier réel). Déposez vos exports pour les remplacer.",
            icon=":material/science:")
elif uploads:
    doubles = [SOURCE_LABELS[k] for k, names in by_kind.items() if len(names) > 1]
    missing = [SOURCE_LABELS[k] for k, names in by_kind.items() if not names]
    if doubles:
        st.warning(f"Plusieurs fichiers sont attribués à : {', '.join(doubles)}. Corrigez l'attribution.")
    elif missing:
        st.info(f"Il manque : {', '.join(missing)}.")
    else:
        files = {k: (names[0], uploads[names[0]]) for k, names in by_kind.items()}
        key = tuple((k, n, hash(d)) for k, (n, d) in files.items()) + (config[0] if config else None, period)
        set_result(key, lambda: analyse(files["erp"], files["liaison"], files["web"], config, period))

if st.session_state.get("analysis_error"):
    show_error(st.session_state.analysis_error)

result = base_result()
if result is not None:
    st.divider()
    sources = plain(", ".join(t.name for t in result.sources.values()))
    st.subheader(f"Analyse de {month_label(result.period)}")
    st.caption(f"Sources : {sources} — configuration : {plain(result.config.source)}")
    status_banner(result)
    st.page_link("pages/etapes.py", label="Voir les étapes et contrôles", icon=":material/fact_check:")
    st.page_link("pages/chiffre_affaires.py", label="Voir le chiffre d'affaires", icon=":material/euro:")
