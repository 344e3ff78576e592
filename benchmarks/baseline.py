"""The seed's approach, written plainly as the baseline of the in-process comparison: pandas and openpyxl to read,
pandas transforms, scipy's z-score, the seed's pass/fail checks (the reference figures of the configuration), and the
deliverables written the seed's way, with openpyxl.

It writes the same files as the product, with the same shapes, so that the ratio compares the same work: the report
with the same five sheets, headers, number formats, widths, frozen header and filter, the two CSV extracts with the
same French headers, synthese.json and controles.json. It runs fewer checks than the product (the 7 reference figures,
not 50) and keeps no removed rows: the comparison is, if anything, generous to the baseline. It must find the same
figures, or the comparison means nothing."""
from __future__ import annotations

import io
import json
import warnings

import pandas as pd
from scipy import stats

from bottleneck_core.config import Config

# openpyxl warns about each export's unknown extension on every read; the baseline only has to be timed.
warnings.filterwarnings("ignore", message="Unknown extension", module="openpyxl")

PRODUCT_HEADERS = {"product_id": "Identifiant produit", "sku": "SKU", "post_title": "Vin", "price": "Prix (€)",
                   "total_sales": "Ventes (unités)", "revenue": "Chiffre d'affaires (€)"}
WINE_HEADERS = {"product_id": "Identifiant produit", "sku": "SKU", "post_title": "Vin", "price": "Prix (€)",
                "revenue": "Chiffre d'affaires (€)", "price_zscore": "Z-score du prix"}
CHECK_HEADERS = ["Étape", "Contrôle", "Gravité", "Statut", "Attendu", "Obtenu", "Lignes en cause", "Message",
                 "Identifiant"]
EURO, INTEGER, Z = '#,##0.00 "€"', "#,##0", "0.0000"
PRODUCT_FORMATS = {"D": EURO, "E": INTEGER, "F": EURO}
WINE_FORMATS = {"D": EURO, "E": EURO, "F": Z}


def _key(value):
    if pd.isna(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def seed_monthly_run(erp_bytes: bytes, liaison_bytes: bytes, web_bytes: bytes, config: Config | None = None,
                     threshold: float = 2.0, period: str = "2026-11") -> dict:
    """From the three files' bytes to the deliverables' bytes, as the seed pipeline did it."""
    expectations = config.expectations if config else {}
    erp, liaison, web = (pd.read_excel(io.BytesIO(data), engine="openpyxl")
                         for data in (erp_bytes, liaison_bytes, web_bytes))
    rows = {"erp_raw": len(erp), "liaison_raw": len(liaison), "web_raw": len(web)}
    erp["product_id"] = erp["product_id"].map(_key)
    erp = erp.dropna(subset=["product_id"]).drop_duplicates(subset="product_id")
    liaison["product_id"] = liaison["product_id"].map(_key)
    liaison = liaison.dropna(subset=["product_id"]).drop_duplicates(subset="product_id")
    liaison["id_web"] = liaison["id_web"].map(_key)
    web["sku"] = web["sku"].map(_key)
    web = web.dropna(subset=["sku"])
    rows |= {"erp_clean": len(erp), "liaison_clean": len(liaison), "web_clean": len(web)}
    web = web.sort_values("total_sales", ascending=False).drop_duplicates(subset="sku")
    rows["web_dedup"] = len(web)
    merged = erp.merge(liaison, on="product_id").merge(web, left_on="id_web", right_on="sku")
    rows["merged"] = len(merged)
    merged["revenue"] = (merged["price"] * merged["total_sales"]).round(2)
    merged = merged.sort_values("revenue", ascending=False)
    total = round(float(merged["revenue"].sum()), 2)
    merged["price_zscore"] = stats.zscore(merged["price"])
    premium, ordinary = merged[merged["price_zscore"] > threshold], merged[merged["price_zscore"] <= threshold]
    actual = {"erp_rows": rows["erp_clean"], "liaison_rows": rows["liaison_clean"], "web_clean_rows": rows["web_clean"],
              "web_dedup_rows": rows["web_dedup"], "merged_rows": rows["merged"], "revenue_total": total,
              "premium_count": len(premium)}
    checks = []
    for check_id, value in actual.items():
        expectation = expectations.get(check_id)
        expected = expectation.expected if expectation else None
        passed = None if expectation is None else abs(value - expected) <= expectation.tolerance + 1e-9
        checks.append({"id": check_id, "status": {None: "skipped", True: "passed", False: "failed"}[passed],
                       "passed": passed, "expected": expected, "actual": value,
                       "message": f"{check_id} : {value} (attendu {expected})", "offending_count": 0,
                       "offending_rows": []})
    summary = {"period": period, "threshold": threshold, "rows": rows, "revenue_total": total,
               "premium_count": len(premium), "ordinary_count": len(ordinary),
               "checks_passed": all(c["passed"] is not False for c in checks)}
    synthesis = pd.DataFrame({"Indicateur": ["Mois analysé", "Chiffre d'affaires total (€)", "Vins premium",
                                             "Vins ordinaires", "Seuil de z-score", "Prix moyen (€)",
                                             "Écart type des prix (€)"] + list(rows),
                              "Ce mois": [period, total, len(premium), len(ordinary), threshold,
                                          merged["price"].mean(), merged["price"].std(ddof=0)] + list(rows.values())})
    check_sheet = pd.DataFrame([["", c["id"], "bloquant", c["status"], c["expected"], c["actual"], 0, c["message"],
                                 c["id"]] for c in checks], columns=CHECK_HEADERS)
    report = io.BytesIO()
    with pd.ExcelWriter(report, engine="openpyxl") as writer:
        for name, frame, formats in (
                ("CA par produit", merged[list(PRODUCT_HEADERS)].rename(columns=PRODUCT_HEADERS), PRODUCT_FORMATS),
                ("Vins premium", premium[list(WINE_HEADERS)].rename(columns=WINE_HEADERS), WINE_FORMATS),
                ("Vins ordinaires", ordinary[list(WINE_HEADERS)].rename(columns=WINE_HEADERS), WINE_FORMATS),
                ("Synthèse", synthesis, {}), ("Contrôles", check_sheet, {})):
            frame.to_excel(writer, sheet_name=name, index=False)
            _format_sheet(writer.sheets[name], formats)
    return {
        "rapport_ca.xlsx": report.getvalue(),
        "vins_premium.csv": _wines_csv(premium),
        "vins_ordinaires.csv": _wines_csv(ordinary),
        "synthese.json": json.dumps(summary, ensure_ascii=False, indent=2).encode("utf-8"),
        "controles.json": json.dumps(checks, ensure_ascii=False, indent=2).encode("utf-8"),
    }


def _format_sheet(sheet, number_formats: dict[str, str]) -> None:
    """What the seed did after to_excel: styled header, number formats, widths, frozen header, filter."""
    from openpyxl.styles import Border, Font, PatternFill, Side

    side = Side(style="thin")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2E6EA")
        cell.border = Border(left=side, right=side, top=side, bottom=side)
    for letter, number_format in number_formats.items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=sheet[letter + "1"].column, max_col=sheet[letter + "1"].column):
            cell.number_format = number_format
    for column in sheet.columns:
        width = max(len(str(cell.value)) for cell in column if cell.value is not None)
        sheet.column_dimensions[column[0].column_letter].width = min(width + 2, 60)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def _wines_csv(wines: pd.DataFrame) -> bytes:
    frame = wines[list(WINE_HEADERS)].rename(columns=WINE_HEADERS).round({"Z-score du prix": 4})
    return frame.to_csv(sep=";", decimal=",", index=False).encode("utf-8-sig")
