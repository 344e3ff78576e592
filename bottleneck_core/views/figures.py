"""The month's figures as shown: headline figures with their change since the previous recorded month and what
they divide by, the revenue curves and distributions, the threshold's stops and what it stands for."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..formatting import euros, integer, month_label, number, percent, plural
from ..pipeline import PipelineResult
from ..steps.premium import premium_counts

REVENUE_EDGES = (0, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)  # euros, a 1-2-5 scale
ZSCORE_BIN = 0.25


@dataclass(frozen=True)
class Kpi:
    """One headline figure: its value, its change since the previous recorded month, what it is made of."""

    label: str
    value: str
    delta: str | None  # the change since the previous recorded month, short enough for a narrow card
    help: str
    moved: int = 0  # its sign: no arrow and no colour for no change


def change_text(now: float | None, before: float | None, unit: str) -> tuple[str | None, int]:
    """`+1 234,00 €`, the sign first (what st.metric colours by), and the sign itself; no sign for no change."""
    if now is None or before is None:
        return None, 0
    moved = now - before
    shown = euros(abs(moved)) if unit == "€" else integer(abs(moved))
    sign = (moved > 0) - (moved < 0)
    return f"{'-' if sign < 0 else '+' if sign > 0 else ''}{shown}", sign


def comparison_note(result: PipelineResult) -> str | None:
    """What the changes of the headline figures are measured against, said once under them."""
    if result.previous is None:
        return None
    return f"Écarts depuis {month_label(result.previous.period)}, le mois précédent enregistré dans l'historique."


def revenue_kpis(result: PipelineResult) -> list[Kpi]:
    products = result.products
    revenue = products["revenue"].fillna(0.0)
    count, sold = len(products), int((revenue > 0).sum())
    top_n = max(1, math.ceil(count * 0.2)) if count else 0
    top_share = float(revenue.nlargest(top_n).sum() / result.revenue_total) if result.revenue_total > 0 else None
    before = result.previous.figures if result.previous else {}
    revenue_change, revenue_sign = change_text(result.revenue_total, before.get("revenue_total"), "€")
    sold_change, sold_sign = change_text(sold, before.get("products_sold"), "")
    average = result.revenue_total / sold if sold else None
    sold_before, revenue_before = before.get("products_sold"), before.get("revenue_total")
    average_change, average_sign = change_text(average, revenue_before / sold_before if sold_before and
                                               revenue_before is not None else None, "€")
    return [
        Kpi("Chiffre d'affaires total", euros(result.revenue_total), revenue_change,
            f"Somme de prix × ventes sur les {integer(count)} produits fusionnés.", revenue_sign),
        Kpi("Produits vendus", integer(sold), sold_change,
            f"Produits dont les ventes du mois sont positives, sur {integer(count)} produits fusionnés.", sold_sign),
        Kpi("CA par produit vendu", euros(average), average_change,
            f"{euros(result.revenue_total)} ÷ {plural(sold, 'produit vendu', 'produits vendus')}.", average_sign),
        Kpi("Part du top 20 %", percent(top_share), None,
            f"CA des {plural(top_n, 'produit')} qui vendent le plus, sur {integer(count)}, rapporté au CA total."),
    ]


def comparison_kpis(diff) -> list[Kpi]:
    """Two recorded months side by side (a runs.compare.Comparison): the later one's revenue and its change, one
    sign for the amount and the share, no arrow for no change; then the wines that moved."""
    change, sign = change_text(diff.revenue_after, diff.revenue_before, "€")
    relative = diff.revenue_relative_change
    if sign and relative is not None:
        change += f" ({'-' if relative < 0 else '+'}{percent(abs(relative))})"
    return [
        Kpi(f"CA {month_label(diff.after)}", euros(diff.revenue_after), change,
            f"Contre {euros(diff.revenue_before)} en {month_label(diff.before)}.", sign),
        Kpi("Entrés en premium", integer(len(diff.entered_premium)), None,
            f"Vins premium en {month_label(diff.after)} qui ne l'étaient pas en {month_label(diff.before)} "
            "(nouveaux produits compris)."),
        Kpi("Sortis du premium", integer(len(diff.left_premium)), None,
            f"Vins premium en {month_label(diff.before)} qui ne le sont plus en {month_label(diff.after)} "
            "(produits disparus compris)."),
        Kpi("Nouveaux / disparus", f"{integer(len(diff.new_products))} / {integer(len(diff.vanished_products))}",
            None, f"Produits présents seulement en {month_label(diff.after)} / seulement en "
                  f"{month_label(diff.before)}."),
    ]


def every_month(runs: pd.DataFrame) -> pd.DataFrame:
    """The recorded months (`period` YYYY-MM) with the months between them that have no record, as empty rows:
    a chart over time shows the gap instead of joining October to December as if they were next to each other."""
    if runs.empty:
        return runs
    first, last = (pd.Period(p, freq="M") for p in (runs["period"].min(), runs["period"].max()))
    months = [str(p) for p in pd.period_range(first, last, freq="M")]
    return runs.set_index("period").reindex(months).rename_axis("period").reset_index()


def pareto_curve(products: pd.DataFrame) -> pd.DataFrame:
    """Cumulative share of revenue against share of products, best sellers first."""
    revenue = np.sort(products["revenue"].fillna(0.0).to_numpy())[::-1]
    count, total = len(revenue), revenue.sum()
    return pd.DataFrame({"share_products": np.arange(1, count + 1) / count if count else np.array([]),
                         "share_revenue": np.cumsum(revenue) / total if total > 0 else np.zeros(count)})


def revenue_bins(products: pd.DataFrame) -> pd.DataFrame:
    """How many products make how much revenue, on a 1-2-5 scale of euros (unsold products apart): a skewed
    distribution made readable."""
    revenue = products["revenue"].fillna(0.0)
    labels, counts, totals = ["0 € (invendus)"], [int((revenue <= 0).sum())], [0.0]
    edges = list(REVENUE_EDGES) + [math.inf]
    for low, high in zip(edges, edges[1:]):
        inside = revenue[(revenue > low) & (revenue <= high)]
        labels.append(f"plus de {integer(low)} €" if math.isinf(high) else f"{integer(low)} à {integer(high)} €")
        counts.append(len(inside))
        totals.append(round(float(inside.sum()), 2))
    while len(labels) > 2 and counts[-1] == 0:  # no empty class at the top of the scale
        labels, counts, totals = labels[:-1], counts[:-1], totals[:-1]
    return pd.DataFrame({"bin": labels, "products": counts, "revenue": totals})


def zscore_bins(products: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Price z-scores in bins of a quarter, counted as premium (above the threshold) or ordinary."""
    z = products["price_zscore"].dropna()
    if z.empty:
        return pd.DataFrame(columns=["start", "ordinary", "premium"])
    starts = np.floor(z / ZSCORE_BIN) * ZSCORE_BIN
    table = pd.DataFrame({"start": starts, "premium": z > threshold})
    counts = table.groupby(["start", "premium"]).size().unstack(fill_value=0)
    return pd.DataFrame({"start": counts.index.to_numpy(), "ordinary": counts.get(False, 0).to_numpy(),
                         "premium": counts.get(True, 0).to_numpy()})


def threshold_stops(of_record: float, chosen: float) -> list[float]:
    """The slider's stops: 0,5 to 4 by tenths, and always the configuration's threshold and the chosen one."""
    return sorted({round(0.5 + 0.1 * i, 1) for i in range(36)} | {float(of_record), float(chosen)})


def premium_sentence(result: PipelineResult) -> str:
    """What the threshold stands for, written out."""
    stats = result.price_stats
    if not stats.computable:
        return ("Z-score non calculable : les prix ne varient pas (ou un seul prix est connu). Aucun vin n'est "
                "classé premium.")
    return (f"**{plural(len(result.premium), 'vin premium', 'vins premium')}** sur {integer(len(result.products))} : "
            f"au seuil z = {number(result.threshold)}, un vin est premium au-delà de **{euros(result.threshold_price)}** "
            f"(prix moyen {euros(stats.mean)} + {number(result.threshold)} × écart type {euros(stats.std)}).")


def what_if(result: PipelineResult) -> list[tuple[str, str]]:
    """How many wines would be premium at the usual thresholds."""
    return [(f"Premium à z = {number(z)}", plural(count, "vin")) for z, count in premium_counts(result.products).items()]


def config_summary(config) -> list[str]:
    """What a configuration holds, as the start page lists it: the threshold, then each reference figure."""
    from ..checks.rules import MONTH_FIGURES
    from ..config import REFERENCE_CHECK_IDS

    lines = [f"Seuil de z-score : {number(config.threshold)}"]
    for check_id in REFERENCE_CHECK_IDS:
        expected = config.expectations.get(check_id)
        if expected is None:
            continue
        value = euros if check_id == "revenue_total" else integer
        lines.append(f"{MONTH_FIGURES[check_id]} : {value(expected.expected)}"
                     + (f" (à {value(expected.tolerance)} près)" if expected.tolerance else ""))
    if len(lines) == 1:
        lines.append("Aucun chiffre de référence : les contrôles de référence sont ignorés, les autres sont faits.")
    return lines


def sources_detail(result: PipelineResult) -> str:
    """Which files exactly the figures come from, one line each: two files of the same name tell apart by their
    rows, size and fingerprint (the ZIP's manifest gives the whole SHA-256)."""
    if result.sample:
        return "Données d'exemple fournies avec l'application, jamais enregistrées dans l'historique."
    return "\n\n".join(f"{t.label} : {t.name}, {plural(t.raw_rows, 'ligne')}, {number(t.size / 1024, 1)} Ko"
                       + (f", empreinte SHA-256 {t.sha256[:12]}…" if t.sha256 else "")
                       for t in result.sources.values())
