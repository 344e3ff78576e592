"""The plain script of the same job, the obvious way, for the CLI comparison: `python -m benchmarks.plain DATA OUT`.

pandas + python-calamine to read, DuckDB for the cleaning and the joins, scipy.stats.zscore (the design's library for
the z-score, as in the product), XlsxWriter through pandas for the report: the same files as the product, with the
same sheets and headers, and the 7 reference checks. No isolation of the parser, no checks beyond the references,
no removed rows kept: what a careful analyst would write in an afternoon."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import pandas as pd
from scipy.stats import zscore

PRODUCT = {"product_id": "Identifiant produit", "sku": "SKU", "post_title": "Vin", "price": "Prix (€)",
           "total_sales": "Ventes (unités)", "revenue": "Chiffre d'affaires (€)"}
WINE = {"product_id": "Identifiant produit", "sku": "SKU", "post_title": "Vin", "price": "Prix (€)",
        "revenue": "Chiffre d'affaires (€)", "price_zscore": "Z-score du prix"}
REFERENCE = {"erp_rows": 825, "liaison_rows": 825, "web_clean_rows": 1428, "web_dedup_rows": 714, "merged_rows": 714,
             "revenue_total": 70568.60, "premium_count": 30}


def key(value):
    if pd.isna(value):
        return None
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()


def main(data: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    erp, liaison, web = (pd.read_excel(data / f"{kind}.xlsx", engine="calamine") for kind in ("erp", "liaison", "web"))
    erp["product_id"] = erp["product_id"].map(key)
    liaison["product_id"], liaison["id_web"] = liaison["product_id"].map(key), liaison["id_web"].map(key)
    web["sku"] = web["sku"].map(key)
    con = duckdb.connect()
    erp = con.sql("SELECT * FROM erp WHERE product_id IS NOT NULL "
                  "QUALIFY row_number() OVER (PARTITION BY product_id) = 1").df()
    liaison = con.sql("SELECT * FROM liaison WHERE product_id IS NOT NULL "
                      "QUALIFY row_number() OVER (PARTITION BY product_id) = 1").df()
    web_clean = con.sql("SELECT * FROM web WHERE sku IS NOT NULL").df()
    web_dedup = con.sql("SELECT * FROM web_clean QUALIFY row_number() OVER (PARTITION BY sku ORDER BY total_sales DESC, "
                        "post_type = 'product' DESC) = 1").df()
    merged = con.sql("SELECT e.product_id, w.sku, w.post_title, e.price, w.total_sales FROM erp e JOIN liaison l "
                     "USING (product_id) JOIN web_dedup w ON w.sku = l.id_web").df()
    merged["revenue"] = (merged["price"] * merged["total_sales"]).round(2)
    merged = merged.sort_values("revenue", ascending=False)
    merged["price_zscore"] = zscore(merged["price"])
    total = round(float(merged["revenue"].sum()), 2)
    premium, ordinary = merged[merged["price_zscore"] > 2], merged[merged["price_zscore"] <= 2]
    actual = {"erp_rows": len(erp), "liaison_rows": len(liaison), "web_clean_rows": len(web_clean),
              "web_dedup_rows": len(web_dedup), "merged_rows": len(merged), "revenue_total": total,
              "premium_count": len(premium)}
    checks = [{"id": k, "expected": v, "actual": actual[k], "passed": abs(actual[k] - v) < 0.011}
              for k, v in REFERENCE.items()]
    with pd.ExcelWriter(out / "rapport_ca.xlsx", engine="xlsxwriter") as writer:
        merged[list(PRODUCT)].rename(columns=PRODUCT).to_excel(writer, sheet_name="CA par produit", index=False)
        premium[list(WINE)].rename(columns=WINE).to_excel(writer, sheet_name="Vins premium", index=False)
        ordinary[list(WINE)].rename(columns=WINE).to_excel(writer, sheet_name="Vins ordinaires", index=False)
        pd.DataFrame({"Indicateur": ["Chiffre d'affaires total (€)", "Vins premium"], "Ce mois": [total, len(premium)]}
                     ).to_excel(writer, sheet_name="Synthèse", index=False)
        pd.DataFrame(checks).to_excel(writer, sheet_name="Contrôles", index=False)
    for name, frame in (("vins_premium.csv", premium), ("vins_ordinaires.csv", ordinary)):
        frame[list(WINE)].rename(columns=WINE).to_csv(out / name, sep=";", decimal=",", index=False,
                                                      encoding="utf-8-sig")
    summary = {"revenue_total": total, "premium_count": len(premium), "rows": actual,
               "checks_passed": all(c["passed"] for c in checks)}
    (out / "synthese.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    (out / "controles.json").write_text(json.dumps(checks, ensure_ascii=False, indent=2))
    print(json.dumps(summary))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
