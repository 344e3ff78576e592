"""A small realistic month generated from a seed, with the traps of the real exports.

The expected figures are derived from the generation itself (not by running the pipeline), so the
sample doubles as an independent oracle for the tests.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .config import Config, Expectation

REAL_PRODUCTS = 825
APPELLATIONS = ("Bordeaux", "Pomerol", "Chablis", "Sancerre", "Côtes du Rhône", "Champagne", "Saint-Émilion",
                "Bourgogne", "Muscadet", "Cahors", "Gigondas", "Pouilly-Fumé", "Riesling", "Madiran")
HOUSES = ("Château", "Domaine", "Clos", "Maison", "Cave")


@dataclass(frozen=True)
class SampleData:
    """The three exports of a generated month and the figures the analysis must find on them."""

    erp: pd.DataFrame
    liaison: pd.DataFrame
    web: pd.DataFrame
    config: Config

    def files(self, fmt: str = "xlsx") -> dict[str, bytes]:
        """The three exports as file bytes: xlsx, csv (`;`, decimal comma) or parquet."""
        out = {}
        for kind in ("erp", "liaison", "web"):
            frame = getattr(self, kind)
            out[f"{kind}.{fmt}"] = _to_bytes(frame, fmt)
        return out


def _to_bytes(frame: pd.DataFrame, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "xlsx":
        frame.to_excel(buffer, index=False, engine="xlsxwriter")
    elif fmt == "csv":
        buffer.write(frame.to_csv(sep=";", decimal=",", index=False).encode("utf-8-sig"))
    elif fmt == "parquet":
        frame.astype({c: "string" for c in frame.columns if frame[c].dtype == object}).to_parquet(buffer, index=False)
    else:
        raise ValueError(f"unknown format {fmt}")
    return buffer.getvalue()


def generate(seed: int = 42, scale: float = 0.2, threshold: float = 2.0) -> SampleData:
    """A month of `scale` × the real catalogue (825 products), with missing keys, duplicates and bad values."""
    rng = np.random.default_rng(seed)
    n = max(int(round(REAL_PRODUCTS * scale)), 20)
    product_id = np.arange(3847, 3847 + n)
    price = np.round(np.exp(rng.normal(3.2, 0.55, n)), 1)
    price[rng.choice(n, size=max(1, n // 60), replace=False)] *= 4  # a tail of expensive wines
    price = np.round(price, 1)
    stock = rng.integers(0, 150, n)
    negative = rng.choice(n, size=4, replace=False)
    price[negative[:2]] = -np.array([8.0, 1.0])
    stock[negative[2:]] = -1
    onsale = (rng.random(n) < 0.87).astype(int)
    onsale[negative[:2]] = 0
    status = np.where(stock > 0, "instock", "outofstock")

    # Which products are on the web shop: on sale and not the negative-price ones.
    linked = onsale == 1
    no_id_web = ~linked & (rng.random(n) < 0.85)
    sku = np.array([str(11000 + 3 * i) for i in range(n)], dtype=object)
    text_keys = rng.choice(np.flatnonzero(linked), size=2, replace=False)
    sku[text_keys[0]] = "bon-cadeau-25-euros"
    sku[text_keys[1]] = f"{sku[text_keys[1]]}-1"
    id_web = sku.copy()
    id_web[no_id_web] = None
    on_web = linked.copy()
    # Products with an id_web the shop does not have (retired products).
    on_web[~linked & ~no_id_web] = False

    sales = rng.poisson(6, n).astype(float)
    sales[rng.random(n) < 0.3] = 0.0
    names = [f"{HOUSES[i % len(HOUSES)]} {APPELLATIONS[(i * 7) % len(APPELLATIONS)]} {2010 + i % 13}"
             for i in range(n)]
    # A few titles a spreadsheet would read as a formula: the exports must keep them as text.
    names[int(np.flatnonzero(linked)[3])] = "=HYPERLINK(\"http://exemple.invalid\";\"Cuvée\")"
    names[int(np.flatnonzero(linked)[5])] = "+Cuvée spéciale <b>magnum</b>"

    web_idx = np.flatnonzero(on_web)
    product_rows = pd.DataFrame({"sku": sku[web_idx], "total_sales": sales[web_idx],
                                 "post_title": np.array(names, dtype=object)[web_idx], "post_type": "product"})
    attachment_rows = product_rows.assign(post_type="attachment")
    conflicts = rng.choice(len(web_idx), size=3, replace=False)
    product_rows.loc[conflicts, "total_sales"] = product_rows.loc[conflicts, "total_sales"] + 40
    n_empty = max(3, len(web_idx) // 12)
    empty_rows = pd.DataFrame({"sku": [None] * n_empty, "total_sales": [np.nan] * n_empty,
                               "post_title": [None] * n_empty, "post_type": [None] * n_empty})
    web = pd.concat([product_rows, attachment_rows, empty_rows], ignore_index=True)
    web["post_excerpt"] = "<p>Un vin <strong>généreux</strong>.</p>"
    web["post_status"] = "publish"
    web = web.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    web["sku"] = [int(k) if isinstance(k, str) and k.isdigit() and i % 2 else k for i, k in enumerate(web["sku"])]

    liaison_keys = pd.Series([float(k) if isinstance(k, str) and k.isdigit() else k for k in id_web], dtype=object)
    erp = pd.DataFrame({"product_id": product_id, "onsale_web": onsale, "price": price,
                        "stock_quantity": stock, "stock_status": status})
    liaison = pd.DataFrame({"product_id": product_id, "id_web": liaison_keys})

    # The figures, from the generation alone.
    kept_sales = product_rows["total_sales"].to_numpy()  # the product rows hold the larger sales
    merged_price = price[web_idx]
    revenue_total = round(float(np.sum(merged_price * kept_sales)), 2)
    z = (merged_price - merged_price.mean()) / merged_price.std()
    expectations = {
        "erp_rows": Expectation(n), "liaison_rows": Expectation(n),
        "web_clean_rows": Expectation(2 * len(web_idx)), "web_dedup_rows": Expectation(len(web_idx)),
        "merged_rows": Expectation(len(web_idx)), "revenue_total": Expectation(revenue_total, 0.01),
        "premium_count": Expectation(int((z > threshold).sum())),
    }
    return SampleData(erp, liaison, web, Config(threshold, expectations, source="données d'exemple (chiffres attendus)"))
