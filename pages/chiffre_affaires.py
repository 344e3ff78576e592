"""Revenue: headline figures against the previous month, the best sellers, the Pareto curve, the distribution, and
every product, filtered and sorted, a click away from its own page."""
import streamlit as st

from bottleneck_core.outputs.bundle import download_name
from bottleneck_core.outputs.extracts import french_csv
from bottleneck_core.views.figures import pareto_curve, revenue_bins, revenue_kpis
from bottleneck_core.views.products import products_of, top_products
from pages._charts import CONFIG, pareto_chart, revenue_bins_chart, top_revenue_bars
from pages._render import header, kpis, require_result
from pages._state import month
from pages._tables import product_explorer

state = month()
st.title("Chiffre d'affaires")
result = require_result(state)
header(state)
kpis(revenue_kpis(result))
products = products_of(result)
st.plotly_chart(top_revenue_bars(top_products(products, 20)), width="stretch", config=CONFIG)
left, right = st.columns(2)
left.plotly_chart(pareto_chart(pareto_curve(products)), width="stretch", config=CONFIG)
right.plotly_chart(revenue_bins_chart(revenue_bins(products)), width="stretch", config=CONFIG)
st.subheader("Tous les produits")
shown = product_explorer(products, "revenue")
st.download_button("Télécharger cette liste (CSV)", french_csv(shown), download_name("produits_filtres.csv", result),
                   mime="text/csv", on_click="ignore", icon=":material/download:")
