"""Plotly figures for the pages, built from the core's tables; French number separators."""
from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from bottleneck_core.checks import blocking_failures

WINE = "#7B1E3A"
GOLD = "#C9A227"
GREY = "#B9A9AE"
def as_text(label: object) -> str:
    """A wine name shown as written: plotly would otherwise render the HTML tags some titles contain."""
    return html.escape(str(label), quote=False)


EURO_TICKS = ",~f"  # with the separators below: 2 000, 2 500,5
FRENCH = dict(separators=", ", font=dict(family="sans-serif"), margin=dict(l=10, r=10, t=50, b=10))


def top_revenue_bars(top: pd.DataFrame) -> go.Figure:
    """The best-selling wines as horizontal bars, largest on top."""
    ordered = top.iloc[::-1]
    names = ordered["name"].fillna(ordered["sku"])
    names = names.where(~names.duplicated(keep=False), names + " (" + ordered["sku"].fillna("") + ")")
    labels = names.map(as_text)
    figure = go.Figure(go.Bar(x=ordered["revenue"], y=labels, orientation="h",
                              marker_color=WINE, hovertemplate="%{y}<br>%{x:,.2f} €<extra></extra>"))
    figure.update_layout(title=f"Top {len(top)} des vins par chiffre d'affaires", xaxis_title="Chiffre d'affaires (€)",
                         xaxis_tickformat=EURO_TICKS, height=max(420, 24 * len(top)), **FRENCH)
    return figure


def pareto_chart(curve: pd.DataFrame) -> go.Figure:
    """Cumulative share of revenue against share of products, with the 80 % line."""
    figure = go.Figure(go.Scatter(x=curve["share_products"], y=curve["share_revenue"], mode="lines",
                                  line=dict(color=WINE, width=3), name="CA cumulé",
                                  hovertemplate="%{x:.1%} des produits : %{y:.1%} du CA<extra></extra>"))
    figure.add_hline(y=0.8, line_dash="dash", line_color=GOLD, annotation_text="80 % du CA")
    figure.update_layout(title="Courbe de Pareto", xaxis_title="Part des produits (meilleures ventes d'abord)",
                         yaxis_title="Part cumulée du CA", xaxis_tickformat=".0%", yaxis_tickformat=".0%",
                         height=420, **FRENCH)
    return figure


def revenue_histogram(products: pd.DataFrame) -> go.Figure:
    """How revenue per product is distributed."""
    figure = go.Figure(go.Histogram(x=products["revenue"], nbinsx=40, marker_color=WINE,
                                    hovertemplate="%{x} €<br>%{y} produits<extra></extra>"))
    figure.update_layout(title="Répartition du CA par produit", xaxis_title="Chiffre d'affaires du produit (€)",
                         xaxis_tickformat=EURO_TICKS, yaxis_title="Nombre de produits", bargap=0.05, height=420,
                         **FRENCH)
    return figure


def zscore_histogram(products: pd.DataFrame, premium: pd.Series, threshold: float) -> go.Figure:
    """Price z-scores, premium wines in gold, with the threshold line."""
    figure = go.Figure()
    figure.add_histogram(x=products.loc[~premium, "price_zscore"], name="Vins ordinaires", marker_color=GREY,
                         xbins=dict(size=0.25))
    figure.add_histogram(x=products.loc[premium, "price_zscore"], name="Vins premium", marker_color=GOLD,
                         xbins=dict(size=0.25))
    figure.add_vline(x=threshold, line_dash="dash", line_color=WINE,
                     annotation_text=f"seuil z = {threshold:.2f}".replace(".", ","))
    figure.update_layout(barmode="overlay", title="Z-score des prix", xaxis_title="Z-score du prix",
                         yaxis_title="Nombre de vins", height=420, legend=dict(orientation="h", y=-0.2), **FRENCH)
    return figure


def monthly_lines(runs: pd.DataFrame) -> go.Figure:
    """Revenue (left axis) and premium count (right axis) by month."""
    figure = go.Figure()
    figure.add_scatter(x=runs["period"], y=runs["revenue_total"], name="Chiffre d'affaires (€)", mode="lines+markers",
                       line=dict(color=WINE, width=3))
    figure.add_scatter(x=runs["period"], y=runs["premium_count"], name="Vins premium", mode="lines+markers",
                       line=dict(color=GOLD, width=3, dash="dot"), yaxis="y2")
    figure.update_layout(title="Chiffre d'affaires et vins premium par mois", xaxis=dict(type="category", title="Mois"),
                         yaxis=dict(title="Chiffre d'affaires (€)", tickformat=EURO_TICKS),
                         yaxis2=dict(title="Vins premium", overlaying="y", side="right", rangemode="tozero"),
                         legend=dict(orientation="h", y=-0.25), height=420, **FRENCH)
    return figure


def monthly_checks(runs: pd.DataFrame) -> go.Figure:
    """Blocking checks failed by month: zero is a clean month."""
    failed = runs["checks_failed"].fillna(0).astype(int)
    colours = [WINE if count else "#2E7D32" for count in failed]
    told = [blocking_failures(count) for count in failed]
    figure = go.Figure(go.Bar(x=runs["period"], y=failed, marker_color=colours, customdata=told,
                              hovertemplate="%{x} : %{customdata}<extra></extra>"))
    figure.update_layout(title="Contrôles bloquants en échec par mois", xaxis=dict(type="category", title="Mois"),
                         yaxis=dict(title="Contrôles en échec", rangemode="tozero", dtick=1), height=320, **FRENCH)
    return figure
