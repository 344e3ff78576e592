"""The lineage: every step with rows in and out, its checks, the rows it removed and why."""
import streamlit as st

from bottleneck_core.formatting import integer
from pages._common import check_badge, number_columns, require_result, shown, status_banner

result = require_result()
st.title("Étapes et contrôles")
status_banner(result)


def render_checks(checks) -> None:
    for check in checks:
        cols = st.columns([2, 5, 2, 2], vertical_alignment="center")
        with cols[0]:
            check_badge(check)
        cols[1].markdown(f"**{check.title}**  \n`{check.id}`")
        cols[2].caption(f"attendu : {shown(check.expected, check.id)}")
        cols[3].caption(f"obtenu : {shown(check.actual, check.id)}")
        if check.status == "failed":
            cols[1].caption(check.message)
            if check.offending_count:
                more = (f" (les {len(check.offending)} premières)" if check.offending_count > len(check.offending)
                        else "")
                with st.expander(f"Lignes en cause : {integer(check.offending_count)}{more}"):
                    st.dataframe(check.offending, hide_index=True, width="stretch",
                                 column_config=number_columns(check.offending))


with st.container(border=True):
    st.subheader("0. Lecture des fichiers")
    rows = [{"Source": t.label, "Fichier": t.name, "Lignes lues": t.raw_rows, "Colonnes": t.n_columns,
             "Colonnes inconnues (ignorées)": ", ".join(t.unknown_columns) or "—"}
            for t in result.sources.values()]
    st.dataframe(rows, hide_index=True, width="stretch", column_config=number_columns(rows))
    render_checks(result.checks_of("read"))

for number, step in enumerate(result.steps, start=1):
    with st.container(border=True):
        st.subheader(f"{number}. {step.title}")
        a, b, c = st.columns(3)
        a.metric("Lignes en entrée", integer(step.rows_in))
        b.metric("Lignes en sortie", integer(step.rows_out))
        removed_label = "Vins ordinaires" if step.id == "premium" else "Lignes écartées"
        c.metric(removed_label, integer(step.rows_removed))
        render_checks(result.checks_of(step.id))
        if step.rows_removed and step.id != "premium":
            reasons = " ; ".join(f"{reason} : {integer(n)}" for reason, n in step.removed_by_reason().items())
            with st.expander(f"Lignes écartées et motifs ({reasons})"):
                st.dataframe(step.removed, hide_index=True, width="stretch",
                             column_config=number_columns(step.removed))
