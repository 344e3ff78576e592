"""Revenue: headline figures against the previous month, the best sellers, the Pareto curve, the distribution, and
every product, filtered and sorted, a click away from its own page."""
import streamlit as st

from bottleneck_core.outputs.bundle import download_name
from bottleneck_core.outputs.extracts import french_csv
from bottleneck_core.views.figures import comparison_note, pareto_curve, revenue_bins, revenue_kpis
from bottleneck_core.views.products import products_of, top_products
from app_pages._charts import CONFIG, pareto_chart, revenue_bins_chart, top_revenue_bars
from app_pages._render import header, kpis, require_result
from app_pages._state import month
from app_pages._tables import product_explorer

state = month()
st.title("Chiffre d'affaires")
result = require_result(state)
header(state)
kpis(revenue_kpis(result))
if note := comparison_note(result):
    st.caption(note)
products = products_of(result)
CHARTS = {"Top 20 des vins": lambda: top_revenue_bars(top_products(products, 20)),
          "Courbe de Pareto": lambda: pareto_chart(pareto_curve(products)),
          "Répartition par tranche de CA": lambda: revenue_bins_chart(revenue_bins(products))}
chart = st.segmented_control("Graphique", list(CHARTS), default="Top 20 des vins", required=True,
                             key="revenue_chart", label_visibility="collapsed")
st.plotly_chart(CHARTS[chart](), width="stretch", config=CONFIG)
st.subheader("Tous les produits")
shown = product_explorer(products, "revenue")
# The CSV is written when the button is clicked, not on every rerun of the page.
st.download_button("Télécharger cette liste (CSV)", lambda: french_csv(shown),
                   download_name("produits_filtres.csv", result), mime="text/csv", on_click="ignore",
                   icon=":material/download:")
