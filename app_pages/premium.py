"""Premium wines: the threshold as a simulation of the analysis of record, what it stands for, the counts at usual
thresholds, the z-score distribution and both lists."""
import streamlit as st

from bottleneck_core.formatting import number
from bottleneck_core.outputs.bundle import download_name
from bottleneck_core.outputs.extracts import french_csv
from bottleneck_core.views.figures import premium_sentence, threshold_stops, what_if, zscore_bins
from bottleneck_core.views.products import products_of
from app_pages._charts import CONFIG, zscore_chart
from app_pages._render import header, require_result
from app_pages._state import month, slider_key
from app_pages._tables import product_explorer

state = month()
st.title("Vins premium")
result = require_result(state)
header(state)
of_record = state.record.threshold
st.select_slider("Seuil de z-score du prix", options=threshold_stops(of_record, result.threshold),
                 value=result.threshold, format_func=number, key=slider_key(),
                 on_change=lambda: st.session_state.update(
                     threshold=None if st.session_state[slider_key()] == of_record
                     else st.session_state[slider_key()]),
                 help=f"Un vin est premium si le z-score de son prix dépasse strictement ce seuil. Le seuil de la "
                      f"configuration ({number(of_record)}) fait l'analyse du mois ; un autre seuil est une simulation.")
st.markdown(premium_sentence(result))
with st.container(horizontal=True, gap="small"):
    for label, count in what_if(result):
        st.metric(label, count, border=True, width=170)
st.plotly_chart(zscore_chart(zscore_bins(result.products, result.threshold), result.threshold), width="stretch",
                config=CONFIG)
products = products_of(result)
# One list at a time, always one chosen; labels without counts (the counts move with the threshold, and a
# widget whose labels change is drawn anew, losing the choice: the counts are in the sentence above).
LISTS = {"premium": "Vins premium", "ordinary": "Vins ordinaires"}
shown = st.segmented_control("Liste", list(LISTS), format_func=LISTS.get, default="premium", required=True,
                             key="premium_list", label_visibility="collapsed")
listed = product_explorer(products, shown, premium=shown == "premium")
st.download_button("Télécharger cette liste (CSV)", lambda: french_csv(listed),  # written on click only
                   download_name(f"vins_{'premium' if shown == 'premium' else 'ordinaires'}_filtres.csv", result),
                   mime="text/csv", on_click="ignore", icon=":material/download:")
