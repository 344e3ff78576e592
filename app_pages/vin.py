"""A wine's page: its rows as read in each export, its revenue and z-score written out, premium or not and by how
much, and its months in the history."""
import streamlit as st

from bottleneck_core.formatting import month_label, plural
from bottleneck_core.runs.history import HistoryError, product_over_months
from bottleneck_core.views.figures import every_month
from bottleneck_core.views.products import readable
from bottleneck_core.views.wine import wine, wine_choices
from app_pages._charts import CONFIG, monthly_chart
from app_pages._render import french_table, header, plain, require_result
from app_pages._state import month

state = month()
st.title("Fiche d'un vin")
result = require_result(state)
header(state)
choices = wine_choices(result)
# The box holds the user's choice; the address (a list's click, a bookmark) sets it only when it names another wine
# than the one last shown. (A box started at the address's wine became a new box each time the address moved, and
# dropped every second choice.)
session, wanted = st.session_state, st.query_params.get("produit")
if wanted in choices and wanted != session.get("wine_shown"):
    session["wine_choice"] = wanted
elif session.get("wine_choice") not in choices:
    session["wine_choice"] = session.get("wine_shown") if session.get("wine_shown") in choices else None
product_id = st.selectbox("Vin", list(choices), key="wine_choice", format_func=choices.get, filter_mode="contains",
                          placeholder="Rechercher un vin par son nom ou son identifiant…")
if product_id is None:
    st.info("Choisissez un vin, ou cliquez sur une ligne d'une liste de produits.", icon=":material/wine_bar:")
    st.stop()
session["wine_shown"] = product_id
if product_id != wanted:
    st.query_params["produit"] = product_id
try:
    history = product_over_months(product_id) if not result.sample else None
except HistoryError:
    history = None
shown = wine(result, product_id, history)
st.subheader(plain(shown.name))
if shown.premium is not None:
    st.badge("vin premium" if shown.premium else "vin ordinaire", color="orange" if shown.premium else "gray",
             icon=":material/workspace_premium:" if shown.premium else ":material/wine_bar:")
for line in shown.lines:
    st.markdown(f"- {plain(line)}")
st.subheader("Ses lignes dans les exports")
for label, rows in shown.sources.items():
    st.caption(f"{label} : {plural(len(rows), 'ligne')}")
    if len(rows):
        french_table(rows)
st.subheader("Ses mois dans l'historique")
if shown.history.empty:
    st.caption("Les données d'exemple ne sont jamais enregistrées : ce vin n'a pas d'historique." if result.sample else
               "Aucun mois enregistré pour ce vin : les mois s'enregistrent depuis la page Historique.")
else:
    months = shown.history
    for column, title, axis in (("revenue", "Chiffre d'affaires par mois", "Chiffre d'affaires"),
                                ("price", "Prix par mois", "Prix")):
        st.plotly_chart(monthly_chart(every_month(months), column, title, axis, True), width="stretch", config=CONFIG)
    french_table(readable(months.assign(period=months["period"].map(month_label))[
        ["period", "price", "total_sales", "revenue", "price_zscore", "premium"]]))
