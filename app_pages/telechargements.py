"""Downloads: every deliverable of the shown analysis, named after its month (and its threshold when simulated)."""
import streamlit as st

from bottleneck_core import __version__, deliverables
from bottleneck_core.outputs.bundle import ARCHIVE, MERGED_PARQUET, archive, download_name, merged_parquet
from app_pages._render import header, require_result
from app_pages._state import month

DESCRIPTIONS = {
    "rapport_ca.xlsx": ("Rapport de chiffre d'affaires (Excel)", "CA par produit, vins premium et ordinaires, "
                                                                 "synthèse avec le mois précédent, contrôles."),
    "vins_premium.csv": ("Vins premium (CSV)", "Séparateur « ; », virgule décimale : s'ouvre dans Excel."),
    "vins_ordinaires.csv": ("Vins ordinaires (CSV)", "Même format que les vins premium."),
    "synthese.json": ("Synthèse (JSON)", "Les chiffres du mois et les fichiers analysés, pour d'autres outils."),
    "controles.json": ("Contrôles (JSON)", "Chaque contrôle avec ses lignes en cause."),
    MERGED_PARQUET: ("Données fusionnées (Parquet)", "Chaque produit avec son CA et son z-score."),
    ARCHIVE: ("Tout en un (ZIP)", "Tous les fichiers, la configuration utilisée et la traçabilité des sources "
                                  "(noms, tailles, SHA-256, version)."),
}
MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv",
        "json": "application/json", "parquet": "application/octet-stream", "zip": "application/zip"}


@st.cache_resource(show_spinner="Préparation des fichiers…", max_entries=8)
def files_of(key: tuple, _result) -> dict[str, bytes]:
    """Every download of a result, built once per result and shared."""
    files = deliverables(_result)
    return {**files, MERGED_PARQUET: merged_parquet(_result), ARCHIVE: archive(_result, files, __version__)}


state = month()
st.title("Téléchargements")
result = require_result(state)
header(state)
if result.simulated:
    st.warning("Ces fichiers sont ceux de la **simulation** : leur nom porte le seuil simulé, et synthese.json le dit.",
               icon=":material/science:")
key = (id(state.record), result.threshold)
for name, data in files_of(key, result).items():
    title, help_text = DESCRIPTIONS[name]
    with st.container(horizontal=True, vertical_alignment="center", border=True):
        st.markdown(f"**{title}**  \n{help_text}", width="stretch")
        shown = download_name(name, result)
        st.download_button(shown, data=data, file_name=shown, mime=MIME[name.rsplit(".", 1)[1]], on_click="ignore",
                           icon=":material/download:", key=f"download::{name}", width=330)
