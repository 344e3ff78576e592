"""Premium wines: the z-score threshold as a slider, its price, the histogram and both lists."""
import streamlit as st

from bottleneck_core.formatting import euros, integer, number, plural
from bottleneck_core.premium import is_premium
from pages._charts import zscore_histogram
from pages._common import base_result, require_result

require_result()
base = base_result()
st.title("Vins premium")


def keep_threshold() -> None:
    st.session_state.threshold = st.session_state.threshold_slider


# A select slider, so that the values read the French way (2,00 and not 2.00); the configured threshold
# is always one of its stops.
chosen = float(st.session_state.get("threshold", base.threshold))
stops = sorted({round(0.5 + 0.1 * i, 1) for i in range(36)} | {float(base.threshold), chosen})
st.select_slider("Seuil de z-score du prix", options=stops, value=chosen, format_func=number,
                 key="threshold_slider", on_change=keep_threshold,
                 help=f"Un vin est premium si le z-score de son prix dépasse strictement ce seuil "
                      f"(configuration : {number(base.threshold)}).")
result = require_result()
stats = result.price_stats

if stats.computable:
    st.markdown(f"**{plural(len(result.premium), 'vin premium', 'vins premium')}** sur "
                f"{integer(len(result.products))} : au seuil z = {number(result.threshold)}, un vin est premium "
                f"au-delà de **{euros(result.threshold_price)}** (prix moyen {euros(stats.mean)} + "
                f"{number(result.threshold)} × écart type {euros(stats.std)}).")
else:
    st.warning("Z-score non calculable : les prix ne varient pas (ou un seul prix est connu). Aucun vin n'est "
               "classé premium.")

cols = st.columns(4)
for col, (z, count) in zip(cols, result.premium_counts().items()):
    col.metric(f"Premium à z = {number(z, 1)}", plural(count, "vin"))

st.plotly_chart(zscore_histogram(result.products, is_premium(result.products, result.threshold), result.threshold),
                width="stretch")

columns = ["product_id", "sku", "name", "price", "revenue", "price_zscore"]
config = {"product_id": "Identifiant produit", "sku": "SKU", "name": "Vin",
          "price": st.column_config.NumberColumn("Prix (€)", format="localized"),
          "revenue": st.column_config.NumberColumn("Chiffre d'affaires (€)", format="localized"),
          "price_zscore": st.column_config.NumberColumn("Z-score du prix", format="localized")}
premium_tab, ordinary_tab = st.tabs([f"Vins premium ({integer(len(result.premium))})",
                                     f"Vins ordinaires ({integer(len(result.ordinary))})"])
premium_tab.dataframe(result.premium[columns], hide_index=True, width="stretch", column_config=config)
ordinary_tab.dataframe(result.ordinary[columns], hide_index=True, width="stretch", column_config=config)
