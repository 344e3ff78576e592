"""The seed's approach, written plainly as the baseline: pandas + openpyxl reading, pandas transforms,
the report written with openpyxl. It must give the same figures, or the comparison means nothing."""
from __future__ import annotations

import io
import json
import warnings

import pandas as pd

# openpyxl warns about each export's unknown extension on every read; the baseline only has to be timed.
warnings.filterwarnings("ignore", message="Unknown extension", module="openpyxl")


def _key(value):
    if pd.isna(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def seed_monthly_run(erp_bytes: bytes, liaison_bytes: bytes, web_bytes: bytes, threshold: float = 2.0) -> dict:
    """From the three files' bytes to the deliverables' bytes, as the seed pipeline did it."""
    erp = pd.read_excel(io.BytesIO(erp_bytes), engine="openpyxl")
    liaison = pd.read_excel(io.BytesIO(liaison_bytes), engine="openpyxl")
    web = pd.read_excel(io.BytesIO(web_bytes), engine="openpyxl")

    erp = erp.dropna(subset=["product_id"]).drop_duplicates()
    liaison = liaison.dropna(subset=["product_id"]).drop_duplicates()
    liaison["id_web"] = liaison["id_web"].map(_key)
    web["sku"] = web["sku"].map(_key)
    web = web.dropna(subset=["sku"])
    web = web.sort_values("total_sales", ascending=False).drop_duplicates(subset="sku")

    merged = erp.merge(liaison, on="product_id").merge(web, left_on="id_web", right_on="sku")
    merged["revenue"] = merged["price"] * merged["total_sales"]
    total = round(float(merged["revenue"].sum()), 2)
    zscore = (merged["price"] - merged["price"].mean()) / merged["price"].std(ddof=0)
    merged["price_zscore"] = zscore
    premium, ordinary = merged[zscore > threshold], merged[zscore <= threshold]

    columns = ["product_id", "sku", "post_title", "price", "total_sales", "revenue"]
    report = io.BytesIO()
    with pd.ExcelWriter(report, engine="openpyxl") as writer:
        merged.sort_values("revenue", ascending=False)[columns].to_excel(writer, sheet_name="CA par produit",
                                                                         index=False)
        pd.DataFrame({"indicateur": ["CA total", "premium"], "valeur": [total, len(premium)]}).to_excel(
            writer, sheet_name="Synthèse", index=False)
    wine_columns = ["product_id", "sku", "post_title", "price", "revenue", "price_zscore"]
    summary = {"revenue_total": total, "premium_count": len(premium), "merged": len(merged)}
    return {
        "rapport_ca.xlsx": report.getvalue(),
        "vins_premium.csv": premium[wine_columns].to_csv(sep=";", decimal=",", index=False).encode("utf-8-sig"),
        "vins_ordinaires.csv": ordinary[wine_columns].to_csv(sep=";", decimal=",", index=False).encode("utf-8-sig"),
        "summary.json": json.dumps(summary).encode(),
    }
