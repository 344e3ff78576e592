"""The product list as product managers explore it: filters, sort, and a row's click opening the wine's page."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from bottleneck_core.formatting import plural
from bottleneck_core.views.products import (CHOICES, SORTS, filter_from, filter_products, shown_table, sort_products,
                                            stock_label, stock_statuses)
from app_pages._render import french_table, show_error

WINE_PAGE = "app_pages/vin.py"
# The wine (most names whole) and its figures fit an 800-pixel screen; the other columns scroll.
NARROW = {"Vin": st.column_config.Column(width=250, pinned=True), "Prix (€)": st.column_config.Column(width=80),
          "Chiffre d'affaires (€)": st.column_config.Column("CA (€)", width=95),
          "Z-score du prix": st.column_config.Column("Z-score", width=70),
          "Ventes (unités)": st.column_config.Column("Ventes", width=65)}


# The filter panel's settings as they start; they live in the session, so they hold while the panel is closed.
START = {"premium": "tous", "sold": "tous", "onsale": "tous", "low": "", "high": "", "stock": [],
         "sort": next(iter(SORTS)), "desc": True}


def filter_panel(products: pd.DataFrame, key: str, premium: bool | None) -> dict:
    """Filters and sort in a panel built only when open (a closed panel costs the page nothing); the settings are
    kept in the session and still apply once it is closed."""
    session = st.session_state
    settings = session.setdefault(f"{key}_filters", dict(START))
    with st.expander("Filtrer et trier", icon=":material/filter_list:", key=f"{key}_panel",
                     on_change="rerun") as panel:
        if not panel.open:
            return settings
        for name, value in settings.items():
            session.setdefault(f"{key}_{name}", value)  # each widget starts where the user left it
        statuses = stock_statuses(products)
        session[f"{key}_stock"] = [s for s in session[f"{key}_stock"] if s in statuses]  # another month's statuses
        with st.container(horizontal=True, gap="medium"):
            if premium is None:
                st.segmented_control("Premium", list(CHOICES), required=True, key=f"{key}_premium")
            st.segmented_control("Vendus ce mois", list(CHOICES), required=True, key=f"{key}_sold")
            st.segmented_control("En vente sur le web", list(CHOICES), required=True, key=f"{key}_onsale")
        # Typed values apply together, on Enter or the button: a click elsewhere (the list's CSV) never meets a
        # value half applied, so the file always holds the list on screen.
        with st.form(f"{key}_prices_form", border=False), \
                st.container(horizontal=True, gap="medium", vertical_alignment="bottom"):
            st.text_input("Prix minimum (€)", placeholder="ex. 100", key=f"{key}_low", width=170)
            st.text_input("Prix maximum (€)", placeholder="ex. 150,50", key=f"{key}_high", width=170)
            st.form_submit_button("Appliquer les prix", icon=":material/check:", key=f"{key}_apply_prices")
        with st.container(horizontal=True, gap="medium"):
            st.multiselect("Statut du stock", statuses, format_func=stock_label, key=f"{key}_stock", width=260)
            st.selectbox("Trier par", list(SORTS), format_func=SORTS.get, key=f"{key}_sort", width=220)
            st.toggle("Décroissant", key=f"{key}_desc")
        settings.update({name: session.get(f"{key}_{name}", value) for name, value in START.items()})
    return settings


def product_explorer(products: pd.DataFrame, key: str, premium: bool | None = None) -> pd.DataFrame:
    """Filters and sort over the products, the table, and the wine's page on a row's click; returns what is shown."""
    settings = filter_panel(products, key, premium)
    # The search is kept with the filters: Streamlit forgets a box's text once its page is left (a wine opened).
    st.session_state.setdefault(f"{key}_text", settings.get("text", ""))
    with st.form(f"{key}_search_form", border=False), \
            st.container(horizontal=True, gap="small", vertical_alignment="bottom"):
        text = st.text_input("Rechercher un vin, un sku ou un identifiant", placeholder="ex. Champagne, 7818…",
                             key=f"{key}_text")
        st.form_submit_button("Rechercher", icon=":material/search:", key=f"{key}_search")
    settings["text"] = text
    chosen, active, unreadable = filter_from(settings, text, premium, stock_statuses(products))
    for error in unreadable:
        show_error(error)
    shown = sort_products(filter_products(products, chosen), settings["sort"], settings["desc"]).reset_index(drop=True)
    st.caption(f"{plural(len(shown), 'produit affiché', 'produits affichés')} sur {len(products)}"
               + (f" ({plural(active, 'filtre actif', 'filtres actifs')})" if active else "")
               + (" ; cliquez sur un vin pour ouvrir sa fiche." if len(shown) else "."))
    event = french_table(shown_table(shown), key=f"{key}_table", on_select="rerun",
                         selection_mode=["single-row", "single-cell"],
                         column_config=NARROW, empty="Aucun produit ne correspond à la recherche et aux filtres.")
    chosen_rows = list(event.selection.rows) + [cell[0] for cell in event.selection.cells] if event else []
    if chosen_rows:
        st.switch_page(WINE_PAGE, query_params={"produit": shown.loc[chosen_rows[0], "product_id"]})
    return shown
