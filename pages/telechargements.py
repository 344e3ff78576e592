"""Downloads: every deliverable named after the month, built once per result; no rerun on click."""
import streamlit as st

from bottleneck_core.formatting import month_label, number
from pages._common import deliverables, require_result

result = require_result()
st.title("Téléchargements")
st.caption(f"Livrables de {month_label(result.period)}, au seuil de z-score {number(result.threshold)}.")

DESCRIPTIONS = {
    "rapport_ca": ("Rapport de chiffre d'affaires (Excel)", "CA par produit, synthèse et contrôles."),
    "vins_premium": ("Vins premium (CSV)", "Séparateur « ; », virgule décimale : s'ouvre dans Excel."),
    "vins_ordinaires": ("Vins ordinaires (CSV)", "Même format que les vins premium."),
    "produits_fusionnes": ("Données fusionnées (Parquet)", "Chaque produit avec son CA et son z-score."),
    "summary": ("Synthèse (JSON)", "Les chiffres du mois pour d'autres outils."),
    "checks": ("Contrôles (JSON)", "Chaque contrôle avec ses lignes en cause."),
    "bottleneck": ("Tout en un (ZIP)", "Tous les fichiers, la configuration utilisée et la traçabilité des "
                                       "sources (noms, tailles, SHA-256, version)."),
}
MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv",
        "json": "application/json", "parquet": "application/octet-stream", "zip": "application/zip"}

for name, data in deliverables(result).items():
    stem = name.rsplit("_", 1)[0]
    title, help_text = DESCRIPTIONS[stem]
    left, right = st.columns([3, 2], vertical_alignment="center")
    left.markdown(f"**{title}**  \n{help_text}")
    right.download_button(f"Télécharger {name}", data=data, file_name=name, mime=MIME[name.rsplit(".", 1)[1]],
                          on_click="ignore", icon=":material/download:", key=f"download::{stem}",
                          width="stretch")
