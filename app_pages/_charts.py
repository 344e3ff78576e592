"""Plotly figures of the core's tables, read the French way (2 000 ; 12,5 %); no figure is computed here."""
from __future__ import annotations

import html
import textwrap

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from bottleneck_core.checks import blocking_failures
from bottleneck_core.formatting import month_label

WINE, GOLD, GREY, GREEN = "#7B1E3A", "#C9A227", "#B9A9AE", "#2E7D32"
EURO_TICKS = ",~f"  # with the separators below: 2 000, 2 500,5
FRENCH = dict(separators=", ", font=dict(family="sans-serif"), margin=dict(l=10, r=10, t=50, b=10))
CONFIG = {"displaylogo": False, "locale": "fr"}
# A figure drawn from a small table (a few dozen rows: the top 20, bins) is kept on that table's content, shared by
# every session and never modified: a rerun that draws the same table again builds no figure.
small_table_figure = st.cache_resource(show_spinner=False, max_entries=64)


def as_text(label: object) -> str:
    """A wine name shown as written: plotly would otherwise render the HTML some titles contain."""
    return html.escape(str(label), quote=False)


def short(name: str, width: int = 30) -> str:
    """A wine name on at most two lines for an axis, whole in most cases (the cuvée or vintage that tells two wines
    of one house apart is at its end); a longer one is cut at its second line's end (whole in the hover text)."""
    lines = textwrap.wrap(name, width, break_on_hyphens=False) or [name]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), width, placeholder=" …")]
    return "<br>".join(lines)


@small_table_figure
def top_revenue_bars(top: pd.DataFrame) -> go.Figure:
    """The best-selling wines as horizontal bars, largest on top."""
    ordered = top.iloc[::-1]
    names = ordered["name"].fillna(ordered["sku"])
    names = names.where(~names.duplicated(keep=False), names + " (" + ordered["sku"].fillna("") + ")")
    figure = go.Figure(go.Bar(x=ordered["revenue"], y=[f"{i}. {short(as_text(n))}" for i, n in
                                                       zip(range(len(names), 0, -1), names)],
                              orientation="h", marker_color=WINE, customdata=names.map(as_text),
                              hovertemplate="%{customdata}<br>%{x:,.2f} €<extra></extra>"))
    figure.update_layout(title=f"Top {len(top)} des vins par chiffre d'affaires", xaxis_title="Chiffre d'affaires (€)",
                         xaxis_tickformat=EURO_TICKS, height=max(420, 44 * len(top)), bargap=0.4, **FRENCH)
    return figure


def pareto_chart(curve: pd.DataFrame) -> go.Figure:
    """Cumulative share of revenue against share of products, with the 80 % line."""
    # Shares drawn in percent with a French " %" (plotly's "%" format sticks the sign to the number).
    figure = go.Figure(go.Scatter(x=curve["share_products"] * 100, y=curve["share_revenue"] * 100, mode="lines",
                                  line=dict(color=WINE, width=3), name="CA cumulé",
                                  hovertemplate="%{x:.1f} % des produits : %{y:.1f} % du CA<extra></extra>"))
    figure.add_hline(y=80, line_dash="dash", line_color=GOLD, annotation_text="80 % du CA")
    figure.update_layout(title="Courbe de Pareto", xaxis_title="Part des produits (meilleures ventes d'abord)",
                         yaxis_title="Part cumulée du CA", xaxis_ticksuffix=" %", yaxis_ticksuffix=" %",
                         height=420, **FRENCH)
    return figure


@small_table_figure
def revenue_bins_chart(bins: pd.DataFrame) -> go.Figure:
    """How many products make how much revenue, on a 1-2-5 scale of euros."""
    figure = go.Figure(go.Bar(x=bins["bin"], y=bins["products"], marker_color=[GREY] + [WINE] * (len(bins) - 1),
                              customdata=bins["revenue"],
                              hovertemplate="%{x} : %{y} produits, %{customdata:,.2f} € au total<extra></extra>"))
    figure.update_layout(title="Produits par tranche de chiffre d'affaires", xaxis_title="CA du produit sur le mois",
                         yaxis_title="Nombre de produits", xaxis_type="category", height=420, **FRENCH)
    return figure


@small_table_figure
def zscore_chart(bins: pd.DataFrame, threshold: float) -> go.Figure:
    """Price z-scores by quarter, premium wines in gold, with the threshold line."""
    figure = go.Figure()
    figure.add_bar(x=bins["start"] + 0.125, y=bins["ordinary"], name="Vins ordinaires", marker_color=GREY, width=0.24)
    figure.add_bar(x=bins["start"] + 0.125, y=bins["premium"], name="Vins premium", marker_color=GOLD, width=0.24)
    figure.add_vline(x=threshold, line_dash="dash", line_color=WINE,
                     annotation_text=f"seuil z = {threshold:.2f}".replace(".", ","))
    figure.update_layout(barmode="stack", title="Z-score des prix", xaxis_title="Z-score du prix",
                         yaxis_title="Nombre de vins", height=420, legend=dict(orientation="h", y=-0.2), **FRENCH)
    return figure


def monthly_chart(runs: pd.DataFrame, column: str, title: str, axis: str, euros: bool) -> go.Figure:
    """One figure by month: a line of its own, in euros or in whole numbers (the axis says which)."""
    figure = go.Figure(go.Scatter(x=runs["period"].map(month_label), y=runs[column], mode="lines+markers",
                                  line=dict(color=WINE if euros else GOLD, width=3), connectgaps=False,
                                  hovertemplate="%{x} : %{y:,.2f} €<extra></extra>" if euros else
                                  "%{x} : %{y:,d}<extra></extra>"))
    figure.update_layout(title=title, xaxis=dict(type="category", title="Mois"),
                         yaxis=dict(tickformat=EURO_TICKS if euros else ",d", rangemode="tozero",
                                    title=f"{axis} (€)" if euros else axis,
                                    dtick=None if euros else max(1, int(runs[column].max() // 6) or 1)),
                         height=320, **FRENCH)
    return figure


def monthly_checks(runs: pd.DataFrame) -> go.Figure:
    """Blocking checks failed by month: zero is a clean month."""
    recorded = runs["checks_failed"].notna()  # a month with no record has no bar (not a clean month)
    failed = runs["checks_failed"].fillna(0).astype(int)
    figure = go.Figure(go.Bar(x=runs["period"].map(month_label), y=failed.where(recorded),
                              marker_color=[WINE if count else GREEN for count in failed],
                              customdata=[blocking_failures(count) if seen else "aucune analyse enregistrée"
                                          for count, seen in zip(failed, recorded)],
                              hovertemplate="%{x} : %{customdata}<extra></extra>"))
    figure.update_layout(title="Contrôles bloquants en échec par mois", xaxis=dict(type="category", title="Mois"),
                         yaxis=dict(title="Contrôles en échec", rangemode="tozero", dtick=1), height=300, **FRENCH)
    return figure
