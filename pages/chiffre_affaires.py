"""Revenue: headline figures, the best sellers, the Pareto curve and the full table."""
import streamlit as st

from bottleneck_core.formatting import euros, integer, percent, plural
from bottleneck_core.revenue import pareto_curve, revenue_kpis, search_products, top_products
from pages._charts import pareto_chart, revenue_histogram, top_revenue_bars
from pages._common import require_result

result = require_result()
st.title("Chiffre d'affaires")
kpis = revenue_kpis(result.products, result.revenue_total)

a, b, c, d = st.columns(4)
a.metric("Chiffre d'affaires total", euros(kpis.total))
b.metric("Produits vendus", integer(kpis.products_sold), help=f"sur {integer(kpis.products)} produits fusionnés")
c.metric("CA moyen par produit", euros(kpis.mean_per_product))
d.metric("Part du CA du top 20 %", percent(kpis.top_share),
         help="Part du chiffre d'affaires réalisée par les 20 % de produits qui vendent le plus.")

st.plotly_chart(top_revenue_bars(top_products(result.products, 20)), width="stretch")
left, right = st.columns(2)
left.plotly_chart(pareto_chart(pareto_curve(result.products)), width="stretch")
right.plotly_chart(revenue_histogram(result.products), width="stretch")

st.subheader("Tous les produits")
query = st.text_input("Rechercher un vin, un sku ou un identifiant", placeholder="ex. Champagne, 7818…")
table = search_products(result.products, query)
st.caption(f"{plural(len(table), 'produit affiché', 'produits affichés')} ; cliquez sur un en-tête pour trier.")
st.dataframe(
    table[["product_id", "sku", "name", "price", "total_sales", "revenue"]], hide_index=True,
    width="stretch",
    column_config={
        "product_id": "Identifiant produit", "sku": "SKU", "name": "Vin",
        "price": st.column_config.NumberColumn("Prix (€)", format="localized"),
        "total_sales": st.column_config.NumberColumn("Ventes", format="localized"),
        "revenue": st.column_config.NumberColumn("Chiffre d'affaires (€)", format="localized"),
    })
