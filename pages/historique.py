"""History: the months stored, their trend, and what changed between two of them."""
import streamlit as st

from bottleneck_core.formatting import euros, integer, month_label
from bottleneck_core.history import HistoryError, compare_periods, current_runs, history_path, record_run
from pages._charts import monthly_checks, monthly_lines
from pages._common import current_result, plain, show_error

st.title("Historique")
path = history_path()
st.caption(f"Historique : {plain(path)} (variable BOTTLENECK_HISTORY pour en changer).")

result = current_result()
if result is not None:
    if st.button(f"Enregistrer l'analyse de {month_label(result.period)} dans l'historique",
                 icon=":material/save:"):
        try:
            stored = record_run(result, path)
        except HistoryError as exc:
            show_error(exc)
        else:
            st.success(stored.message(), icon=":material/check:")

try:
    runs = current_runs(path)
except HistoryError as exc:
    show_error(exc)
    st.stop()

if runs.empty:
    st.info("Aucun mois enregistré pour l'instant. Analysez un mois puis enregistrez-le ici, ou lancez "
            "`python -m bottleneck_core run ... --history`.")
    st.stop()

st.plotly_chart(monthly_lines(runs), width="stretch")
st.plotly_chart(monthly_checks(runs), width="stretch")
st.dataframe(
    runs[["period", "run_at", "revenue_total", "premium_count", "merged_rows", "checks_passed", "superseded"]],
    hide_index=True, width="stretch",
    column_config={"period": "Mois", "run_at": st.column_config.DatetimeColumn("Analysé le", format="DD/MM/YYYY HH:mm"),
                   "revenue_total": st.column_config.NumberColumn("CA total (€)", format="localized"),
                   "premium_count": "Vins premium", "merged_rows": "Produits",
                   "checks_passed": st.column_config.CheckboxColumn("Contrôles réussis"),
                   "superseded": "Analyses remplacées"})

periods = runs["period"].tolist()
if len(periods) < 2:
    st.info("Enregistrez un deuxième mois pour comparer.")
    st.stop()

st.subheader("Comparer deux mois")
left, right = st.columns(2)
before = left.selectbox("Mois de référence", periods, index=len(periods) - 2, format_func=month_label)
after = right.selectbox("Mois comparé", periods, index=len(periods) - 1, format_func=month_label)
diff = compare_periods(before, after, path)
a, b, c, d = st.columns(4)
a.metric(f"CA {month_label(after)}", euros(diff.revenue_after), delta=euros(diff.revenue_after - diff.revenue_before))
b.metric("Entrés en premium", integer(len(diff.entered_premium)))
c.metric("Sortis du premium", integer(len(diff.left_premium)))
d.metric("Nouveaux / disparus", f"{integer(len(diff.new_products))} / {integer(len(diff.vanished_products))}")

names = {"product_id": "Identifiant produit", "sku": "SKU", "name": "Vin",
         "price_before": st.column_config.NumberColumn(f"Prix {before} (€)", format="localized"),
         "price_after": st.column_config.NumberColumn(f"Prix {after} (€)", format="localized"),
         "revenue_before": st.column_config.NumberColumn(f"CA {before} (€)", format="localized"),
         "revenue_after": st.column_config.NumberColumn(f"CA {after} (€)", format="localized"),
         "revenue_change": st.column_config.NumberColumn("Écart (€)", format="localized")}
tabs = st.tabs(["Entrés en premium", "Sortis du premium", "Plus fortes variations de CA", "Nouveaux produits",
                "Produits disparus"])
for tab, frame in zip(tabs, [diff.entered_premium, diff.left_premium, diff.revenue_changes, diff.new_products,
                             diff.vanished_products]):
    tab.dataframe(frame, hide_index=True, width="stretch", column_config=names)
