"""One wine, end to end: its rows as read in each export, its revenue and z-score written out, whether it is premium
and by how much, and how it did in the recorded months."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..formatting import euros, integer, number, plural
from ..pipeline import PipelineResult
from ..steps.merging import readable_titles
from .products import readable


@dataclass(frozen=True)
class Wine:
    """What the wine's page shows."""

    product_id: str
    name: str
    merged: bool
    sources: dict[str, pd.DataFrame]  # export label -> its rows as read, with their row number in the file
    lines: tuple[str, ...]  # the computation, written out
    premium: bool | None
    history: pd.DataFrame


def wine_choices(result: PipelineResult) -> dict[str, str]:
    """Every merged wine as `name (id 4352 · sku 7818)`, best sellers first, then every other product of the ERP as
    `Produit 4055 (id 4055 · hors fusion : id_web manquant dans la LIAISON)`, for a search box: found by its name, its
    product_id or its sku, as in the product lists."""
    products = result.products
    names = products["name"].fillna(products["sku"]).fillna("")
    choices = dict(zip(products["product_id"],
                       names + " (id " + products["product_id"] + " · sku " + products["sku"].fillna("—") + ")"))
    erp, liaison, web = (result.sources[k].frame for k in ("erp", "liaison", "web"))
    others = erp["product_id"].dropna().drop_duplicates()
    others = others[~others.isin(products["product_id"])]
    titles = readable_titles(web.dropna(subset=["sku", "post_title"]).drop_duplicates("sku").set_index("sku")[
        "post_title"])
    links = liaison.dropna(subset=["product_id"]).drop_duplicates("product_id").set_index("product_id")["id_web"]
    left_out = result.step("merge").removed.drop_duplicates("product_id").set_index("product_id")["motif"]
    found = others.map(links).map(titles).fillna("Produit " + others)
    why = others.map(left_out).fillna("écarté au nettoyage")
    return choices | dict(zip(others, found + " (id " + others + " · hors fusion : " + why + ")"))


KEPT = "comptée"


def _rows(frame: pd.DataFrame, column: str, key: str | None, kept: int | None, removed: list[pd.DataFrame],
          unused: str) -> pd.DataFrame:
    """The wine's rows in one export, each with what became of it: the row the analysis counted, or why another
    was set aside (a WEB product row and its attachment row, say, or a duplicate that disagreed)."""
    if key is None:
        return frame.iloc[0:0]
    found = frame.loc[frame[column] == key]
    reasons = pd.concat([r[["source_row", "motif"]] for r in removed]).drop_duplicates("source_row")
    fate = found["source_row"].map(reasons.set_index("source_row")["motif"]).astype(object)
    fate = ("écartée : " + fate).where(found["source_row"] != kept, KEPT).fillna(unused)
    found = found.assign(fate=fate, counted=fate != KEPT).sort_values(["counted", "source_row"])
    found = found[["fate"] + [c for c in found.columns if c not in ("fate", "counted")]]
    return readable(found).reset_index(drop=True)  # as the lists read them: oui/non, « en stock »


def wine(result: PipelineResult, product_id: str, history: pd.DataFrame | None = None) -> Wine:
    """A wine's facts, from the run's own tables; its history comes from the recorded months."""
    erp, liaison, web = (result.sources[k].frame for k in ("erp", "liaison", "web"))
    link = liaison.loc[liaison["product_id"] == product_id, "id_web"].dropna()
    id_web = link.iloc[0] if len(link) else None
    merged = result.products.loc[result.products["product_id"] == product_id]
    left_out = result.step("merge").removed
    reason = left_out.loc[left_out["product_id"] == product_id, "motif"]
    why = reason.iloc[0] if len(reason) else "absent de l'ERP nettoyé"
    kept = merged.iloc[0] if len(merged) else {}
    unused = "non comptée" + ("" if len(merged) else f" : produit hors fusion ({why})")
    sources = {label: _rows(frame, column, key, kept.get(f"{kind}_row"),
                            [result.step(step).removed for step in steps], unused)
               for label, kind, frame, column, key, steps in (
                   ("ERP", "erp", erp, "product_id", product_id, ["clean_erp"]),
                   ("LIAISON", "liaison", liaison, "product_id", product_id, ["clean_liaison"]),
                   ("WEB", "web", web, "sku", id_web, ["clean_web", "dedup_web"]))}
    if merged.empty:
        titles = readable_titles(web.loc[web["sku"] == id_web, "post_title"].dropna()) if id_web else pd.Series()
        name = titles.iloc[0] if len(titles) else f"Produit {product_id}"
        return Wine(product_id, name, False, sources, (f"Ce produit n'est pas dans la fusion : {why}.",), None,
                    history if history is not None else pd.DataFrame())
    row = merged.iloc[0]
    stats, threshold = result.price_stats, result.threshold
    lines = [f"Chiffre d'affaires = prix × ventes = {euros(row['price'])} × {plural(int(row['total_sales'] or 0), 'vente')}"
             f" = {euros(row['revenue'])}." if pd.notna(row["revenue"]) else
             "Chiffre d'affaires non calculable : prix ou ventes inconnus."]
    premium = None
    if stats.computable and pd.notna(row["price_zscore"]):
        z = row["price_zscore"]
        premium = bool(z > threshold)
        lines.append(f"Z-score du prix = (prix − prix moyen) ÷ écart type = ({euros(row['price'])} − {euros(stats.mean)}) "
                     f"÷ {euros(stats.std)} = {number(z)}.")
        gap = row["price"] - result.threshold_price
        lines.append(f"Seuil z = {number(threshold)}, soit un prix de {euros(result.threshold_price)} : "
                     + (f"vin premium, {euros(gap)} au-dessus du prix seuil (z {number(z)} > {number(threshold)})."
                        if premium else f"vin ordinaire, {euros(-gap)} sous le prix seuil "
                                        f"(z {number(z)} ≤ {number(threshold)})."))
        premium_count = plural(len(result.premium), "est premium", "sont premium")
        lines.append(f"Sur {integer(len(result.products))} vins fusionnés, {premium_count}.")
    else:
        lines.append("Z-score non calculable pour ce vin (prix inconnu, ou prix qui ne varient pas).")
    return Wine(product_id, row["name"] if isinstance(row["name"], str) else product_id, True, sources, tuple(lines),
                premium, history if history is not None else pd.DataFrame())
