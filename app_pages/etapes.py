"""The lineage: a line per step, then each step with its checks, the rows it removed and why; failed checks open."""
import streamlit as st

from bottleneck_core.checks import NO_PREVIOUS_MONTH
from bottleneck_core.formatting import integer, month_label, plural
from bottleneck_core.views.lineage import (check_line, offending_table, removed_table, source_lines, step_heading,
                                           step_summary)
from app_pages._render import badge, french_table, header, plain, require_result, verdict_banner
from app_pages._state import month

state = month()
st.title("Étapes et contrôles")
result = require_result(state)
header(state)
verdict_banner(result)
st.subheader("Résumé")
st.table(step_summary(result), hide_index=True, border="horizontal")  # wraps its text: whole even at 800 px


def checks_of(step_id: str, why_skipped: bool = True) -> None:
    for check in result.checks:
        if check.step != step_id:
            continue
        line = check_line(check)
        with st.container(horizontal=True, vertical_alignment="center"):
            badge(check)
            st.markdown(f"**{plain(line['title'])}**", width="stretch")
            st.caption(f"attendu : {line['expected']} · obtenu : {line['actual']} · {line['severity']} · "
                       f"`{line['id']}`", width="content")
        if check.status == "failed" or (check.status != "passed" and why_skipped):  # why, unless said above
            st.caption(plain(line["message"]))
            if check.offending_count:
                more = (f" (les {len(check.offending)} premières)" if check.offending_count > len(check.offending)
                        else "")
                with st.expander(f"Lignes en cause : {integer(check.offending_count)}{more}"):
                    french_table(offending_table(check))


def attention(step_id: str) -> bool:
    return any(c.step == step_id and (c.blocking_failure or c.warning) for c in result.checks)


# The sections as the user left them, kept in the session: Streamlit forgets a widget once its page is left.
opened = st.session_state.setdefault("etapes_ouvertes", {})


def remember(section: str) -> None:
    opened[section] = st.session_state[section]


def section(label: str, key: str, needs_attention: bool = False):
    """A section built only when open (a closed one costs the page nothing: a step can remove thousands of rows);
    one that needs attention opens on its own, also when a new analysis makes it need attention."""
    key = f"{key}_{int(needs_attention)}"
    return st.expander(label, expanded=opened.get(key, needs_attention), key=key, on_change=remember, args=(key,))


with st.expander("Lecture des fichiers", expanded=attention("read"), icon=":material/description:"):
    french_table(source_lines(result))
    checks_of("read")
for number, step in enumerate(result.steps, start=1):
    with section(step_heading(number, step), f"etape_{step.id}", attention(step.id)) as shown:
        if not shown.open:
            continue
        checks_of(step.id)
        if step.rows_removed and step.id != "premium":
            reasons = " ; ".join(f"{reason} : {integer(n)}" for reason, n in step.removed_by_reason().items())
            st.caption(f"Lignes écartées : {plain(reasons)}")
            with section(f"Afficher {plural(step.rows_removed, 'ligne écartée', 'lignes écartées')}",
                         f"ecartees_{step.id}") as rows:
                if rows.open:
                    french_table(removed_table(step.removed), height=min(400, 38 + 35 * step.rows_removed))
previous = f" ({month_label(result.previous.period)})" if result.previous else ""
with st.expander(f"Comparaison avec le mois précédent{previous}", expanded=attention("month")):
    if result.previous is None:
        st.caption(NO_PREVIOUS_MONTH)
    checks_of("month", why_skipped=result.previous is not None)
