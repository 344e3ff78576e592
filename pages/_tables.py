"""The product list as product managers explore it: filters, sort, and a row's click opening the wine's page."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from bottleneck_core.formatting import plural
from bottleneck_core.views.products import SORTS, ProductFilter, filter_products, shown_table, sort_products, stock_statuses
from pages._render import french_table

WINE_PAGE = "pages/vin.py"
# The wine and its figures fit an 800-pixel screen; the other columns scroll.
NARROW = {"Vin": st.column_config.Column(width=170, pinned=True), "Prix (€)": st.column_config.Column(width=80),
          "Chiffre d'affaires (€)": st.column_config.Column("CA (€)", width=95),
          "Z-score du prix": st.column_config.Column("Z-score", width=70),
          "Ventes (unités)": st.column_config.Column("Ventes", width=65)}
CHOICES = {"tous": None, "oui": True, "non": False}


def product_explorer(products: pd.DataFrame, key: str, premium: bool | None = None) -> pd.DataFrame:
    """Filters and sort over the products, the table, and the wine's page on a row's click; returns what is shown."""
    with st.expander("Filtrer et trier", icon=":material/filter_list:"):
        with st.container(horizontal=True, gap="medium"):
            chosen_premium = premium if premium is not None else CHOICES[st.segmented_control(
                "Premium", list(CHOICES), default="tous", key=f"{key}_premium") or "tous"]
            sold = CHOICES[st.segmented_control("Vendus ce mois", list(CHOICES), default="tous",
                                                key=f"{key}_sold") or "tous"]
            onsale = CHOICES[st.segmented_control("En vente sur le web", list(CHOICES), default="tous",
                                                  key=f"{key}_onsale") or "tous"]
        with st.container(horizontal=True, gap="medium"):
            low = st.number_input("Prix minimum (€)", min_value=0.0, value=None, step=5.0, key=f"{key}_low", width=170)
            high = st.number_input("Prix maximum (€)", min_value=0.0, value=None, step=5.0, key=f"{key}_high", width=170)
            stock = st.multiselect("Statut du stock", stock_statuses(products), key=f"{key}_stock", width=260)
        with st.container(horizontal=True, gap="medium"):
            by = st.selectbox("Trier par", list(SORTS), format_func=SORTS.get, key=f"{key}_sort", width=220)
            descending = st.toggle("Décroissant", value=True, key=f"{key}_desc")
    text = st.text_input("Rechercher un vin, un sku ou un identifiant", placeholder="ex. Champagne, 7818…",
                         key=f"{key}_text")
    chosen = ProductFilter(premium=chosen_premium, sold=sold, price_min=low, price_max=high,
                           stock_status=frozenset(stock), onsale_web=onsale, text=text)
    shown = sort_products(filter_products(products, chosen), by, descending).reset_index(drop=True)
    st.caption(f"{plural(len(shown), 'produit affiché', 'produits affichés')} sur {len(products)} ; cliquez sur un "
               "vin pour ouvrir sa fiche.")
    event = french_table(shown_table(shown), key=f"{key}_table", on_select="rerun",
                         selection_mode=["single-row", "single-cell"],
                         column_config=NARROW)
    chosen_rows = list(event.selection.rows) + [cell[0] for cell in event.selection.cells] if event else []
    if chosen_rows:
        st.switch_page(WINE_PAGE, query_params={"produit": shown.loc[chosen_rows[0], "product_id"]})
    return shown
