"""BottleNeck monthly analysis: the page list and the session's defaults, nothing else.

The pages are listed across the top (short names, each page's title says it in full): a sidebar took 300 of an
800-pixel screen from the tables; below 768 pixels Streamlit folds the list into a menu of its own."""
import streamlit as st

from app_pages._state import init

st.set_page_config(page_title="BottleNeck – analyse mensuelle", page_icon="🍷", layout="wide")
init()
st.navigation([
    st.Page("app_pages/donnees.py", title="Données", icon=":material/upload_file:", url_path="donnees", default=True),
    st.Page("app_pages/etapes.py", title="Étapes", icon=":material/fact_check:", url_path="etapes"),
    st.Page("app_pages/chiffre_affaires.py", title="Chiffre d'affaires", icon=":material/euro:", url_path="chiffre-affaires"),
    st.Page("app_pages/premium.py", title="Premium", icon=":material/workspace_premium:", url_path="premium"),
    st.Page("app_pages/vin.py", title="Fiche vin", icon=":material/wine_bar:", url_path="vin"),
    st.Page("app_pages/telechargements.py", title="Téléchargements", icon=":material/download:", url_path="telechargements"),
    st.Page("app_pages/historique.py", title="Historique", icon=":material/timeline:", url_path="historique"),
], position="top").run()
