"""History: the months recorded, their trend, what changed between two of them; the analysis of record is saved
here (never a simulation, never the sample)."""
import streamlit as st

from bottleneck_core.formatting import month_label, number, of_month
from bottleneck_core.runs.history import HistoryError, compare_periods, current_runs, record_run
from bottleneck_core.views.figures import comparison_kpis, every_month
from bottleneck_core.views.lineage import failed_badge, removed_table
from app_pages._charts import CONFIG, monthly_chart, monthly_checks
from app_pages._render import french_table, header, kpis, repeated_exports, show_error
from app_pages._state import history_written, month

state = month()
st.title("Historique")
header(state)
record = state.record
if record is not None:
    if record.sample:
        st.caption("Les données d'exemple ne sont jamais enregistrées dans l'historique.")
    else:
        repeated_exports(record)  # last month's exports about to be recorded as this month's: said here too
        failed = failed_badge(record)
        if failed:  # said before the click: a recorded month is the next one's comparison
            st.warning(f"Cette analyse compte {failed} : enregistrée, elle servira de mois de comparaison au mois "
                       "suivant. Enregistrez-la seulement si ces échecs sont compris (voir « Étapes »).",
                       icon=":material/error:")
        if state.result.simulated:  # said where the button is, not only in its tooltip
            st.caption(f"Le seuil simulé ({number(state.result.threshold)}) n'est jamais enregistré : le bouton "
                       f"enregistre l'analyse au seuil de la configuration ({number(record.threshold)}).")
        if st.button(f"Enregistrer l'analyse {of_month(record.period)} dans l'historique"
                     + (f" (seuil {number(record.threshold)})" if state.result.simulated else ""),
                     icon=":material/save:",
                     help="L'analyse au seuil de la configuration ; une simulation n'est jamais enregistrée."):
            try:
                stored = record_run(record)
            except HistoryError as error:
                show_error(error)
            else:
                history_written()
                (st.warning if stored.blocking_failures else st.success)(stored.message(), icon=":material/check:")
try:
    runs = current_runs()
except HistoryError as error:
    show_error(error)
    st.stop()
if runs.empty:
    st.info("Aucun mois enregistré pour l'instant. Analysez un mois puis enregistrez-le ici ; l'analyse planifiée du "
            "15 enregistre aussi le sien.")
    st.stop()

months = every_month(runs)  # a month not recorded is a gap in the charts
# One under the other: side by side, their month labels turn sideways on an 800-pixel screen.
for column, title, axis, euros in (("revenue_total", "Chiffre d'affaires par mois", "Chiffre d'affaires", True),
                                   ("premium_count", "Vins premium par mois", "Nombre de vins", False)):
    st.plotly_chart(monthly_chart(months, column, title, axis, euros), width="stretch", config=CONFIG)
st.plotly_chart(monthly_checks(months), width="stretch", config=CONFIG)
# What a month is first (on screen at 800 px), when and how often it was analysed after.
french_table(runs.assign(period=runs["period"].map(month_label), run_at=runs["run_at"].dt.strftime("%d/%m/%Y %H:%M"),
                         checks_passed=runs["checks_passed"].map({True: "réussis", False: "en échec"}))[
    ["period", "revenue_total", "premium_count", "checks_passed", "merged_rows", "run_at", "superseded"]].rename(columns={
        "period": "Mois", "run_at": "Analysé le (heure de Paris)", "revenue_total": "CA total (€)", "premium_count": "Vins premium",
        "merged_rows": "Produits", "checks_passed": "Contrôles bloquants", "superseded": "Analyses remplacées"}),
    units={"CA total (€)": "€"}, column_config={
        "Mois": st.column_config.Column(width=110), "CA total (€)": st.column_config.Column(width=105),
        "Vins premium": st.column_config.Column("Premium", width=75),
        "Contrôles bloquants": st.column_config.Column("Contrôles", width=85)})

periods = runs["period"].tolist()
if len(periods) < 2:
    st.info("Enregistrez un deuxième mois pour comparer.")
    st.stop()
st.subheader("Comparer deux mois")
left, right = st.columns(2)
before = left.selectbox("Mois de référence", periods, index=len(periods) - 2, format_func=month_label)
after = right.selectbox("Mois comparé", periods, index=len(periods) - 1, format_func=month_label)
if before == after:
    st.info("Choisissez deux mois différents pour les comparer.", icon=":material/info:")
    st.stop()
diff = compare_periods(before, after)
for note in diff.notes:
    st.warning(note, icon=":material/rule:")
kpis(comparison_kpis(diff))
st.caption(diff.premium_movement)
tabs = st.tabs(["Entrés en premium", "Sortis du premium", "Plus fortes variations de CA", "Nouveaux produits",
                "Produits disparus"])
crossing = ("Un vin passe le seuil quand son prix change ou quand les prix du mois changent (moyenne, écart type) : "
            "son z-score avant et après le dit.")
for tab, frame, none, note in zip(
        tabs, [diff.entered_premium, diff.left_premium, diff.revenue_changes, diff.new_products, diff.vanished_products],
        ["Aucun vin entré en premium.", "Aucun vin sorti du premium.", "Aucun CA n'a changé.",
         "Aucun nouveau produit.", "Aucun produit disparu."],
        [crossing, crossing, f"Les {len(diff.revenue_changes)} plus fortes variations, produits nouveaux "
                             "(CA avant « — ») et disparus (CA après « — ») compris.", None, None]):
    with tab:
        if note and len(frame):
            st.caption(note)
        french_table(removed_table(frame), empty=none)
