"""The deliverables: the Excel revenue report, the CSV extracts for French Excel, and JSON records."""
from __future__ import annotations

import hashlib
import io
import json
import math
import zipfile
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .checks import SEVERITY_LABELS, STATUS_LABELS
from .formatting import number
from .reading import TEXT_DTYPE

if TYPE_CHECKING:
    from .pipeline import PipelineResult

REPORT = "rapport_ca.xlsx"
PREMIUM_CSV = "vins_premium.csv"
ORDINARY_CSV = "vins_ordinaires.csv"
SUMMARY_JSON = "summary.json"
CHECKS_JSON = "checks.json"
MERGED_PARQUET = "produits_fusionnes.parquet"

REVENUE_COLUMNS = {"product_id": "Identifiant produit", "sku": "SKU", "name": "Vin", "price": "Prix (€)",
                   "total_sales": "Ventes (unités)", "revenue": "Chiffre d'affaires (€)"}
WINE_COLUMNS = {"product_id": "Identifiant produit", "sku": "SKU", "name": "Vin", "price": "Prix (€)",
                "revenue": "Chiffre d'affaires (€)", "price_zscore": "Z-score du prix"}
EURO_COLUMNS = {"price", "revenue"}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
_ESCAPES = {"\t": r"\t", "\r": r"\r", "\n": r"\n", "-": r"\-", "+": r"\+"}
_RISKY_START = "[" + "".join(_ESCAPES.get(c, c) for c in FORMULA_PREFIXES) + "]"


def build_exports(result: "PipelineResult", report: bool = True) -> dict[str, bytes]:
    """Every deliverable of a run, file name to bytes."""
    files = {REPORT: revenue_report(result)} if report else {}
    return files | {
        PREMIUM_CSV: wines_csv(result.premium),
        ORDINARY_CSV: wines_csv(result.ordinary),
        SUMMARY_JSON: to_json(result.summary),
        CHECKS_JSON: to_json(checks_records(result)),
    }


def neutralise_column(texts: pd.Series) -> pd.Series:
    """Text cells a spreadsheet would run as a formula (= + - @ tab CR LF first) get a leading apostrophe
    (OWASP CSV injection); missing cells stay missing."""
    texts = texts.astype(TEXT_DTYPE)
    risky = texts.str.match(_RISKY_START).fillna(False)
    return texts.where(~risky, "'" + texts)


def french_decimals(numbers: pd.Series, decimals: int) -> pa.Array:
    """Numbers as text with a decimal comma (24,2), null when missing, at most `decimals` decimals."""
    values = pa.array(numbers.astype("float64").round(decimals), from_pandas=True, type=pa.float64())
    return pc.replace_substring(pc.cast(values, pa.string()), ".", ",")


def wines_csv(wines: pd.DataFrame) -> bytes:
    """Wines as a CSV French Excel opens as columns: `;`, decimal comma, UTF-8 with BOM."""
    import pyarrow.csv

    columns = {
        WINE_COLUMNS["product_id"]: neutralise_column(wines["product_id"]),
        WINE_COLUMNS["sku"]: neutralise_column(wines["sku"]),
        WINE_COLUMNS["name"]: neutralise_column(wines["name"]),
        WINE_COLUMNS["price"]: french_decimals(wines["price"], 2),
        WINE_COLUMNS["revenue"]: french_decimals(wines["revenue"], 2),
        WINE_COLUMNS["price_zscore"]: french_decimals(wines["price_zscore"], 4),
    }
    table = pa.table({name: pa.array(values, type=pa.string(), from_pandas=True) if isinstance(values, pd.Series)
                      else values for name, values in columns.items()})
    buffer = io.BytesIO()
    buffer.write("\ufeff".encode("utf-8"))
    pyarrow.csv.write_csv(table, buffer, pyarrow.csv.WriteOptions(delimiter=";", eol="\r\n"))
    return buffer.getvalue()


def _json_value(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.isoformat()
    return value


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-safe dicts: no NaN, no numpy scalars."""
    if frame.empty:
        return []
    return [{str(k): _json_value(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def checks_records(result: "PipelineResult") -> list[dict]:
    """Every check result as written to checks.json."""
    return [{
        "id": c.id, "title": c.title, "step": c.step, "severity": c.severity, "status": c.status,
        "passed": c.passed, "expected": _json_value(c.expected), "actual": _json_value(c.actual),
        "message": c.message, "offending_count": c.offending_count, "offending_rows": records(c.offending),
    } for c in result.checks]


def to_json(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False).encode("utf-8")


def summary_lines(result: "PipelineResult") -> list[tuple[str, object, str | None]]:
    """The key figures as (label, value, number format) rows, for the report's Synthèse sheet."""
    s = result.summary
    blocking = [c for c in result.checks if c.severity == "error" and c.status in ("passed", "failed")]
    warnings = [c for c in result.checks if c.severity == "warning" and c.status == "failed"]
    stats = result.price_stats
    rows: list[tuple[str, object, str | None]] = [
        ("Période", s["period"], None),
        ("Chiffre d'affaires total (€)", s["revenue_total"], "euro"),
        ("Produits fusionnés", s["rows"]["merged"], "int"),
        ("Produits vendus (CA > 0)", int((result.products["revenue"] > 0).sum()), "int"),
        ("Vins premium", s["premium_count"], "int"),
        ("Vins ordinaires", s["ordinary_count"], "int"),
        ("Seuil de z-score", s["threshold"], "dec"),
        ("Prix correspondant au seuil (€)", result.threshold_price, "euro"),
        ("Prix moyen (€)", stats.mean, "euro"),
        ("Écart type des prix (€)", stats.std, "euro"),
        ("Contrôles bloquants réussis", f"{sum(c.status == 'passed' for c in blocking)} / {len(blocking)}", None),
        ("Avertissements", len(warnings), "int"),
        ("Tous les contrôles bloquants réussis", "oui" if s["checks_passed"] else "non", None),
    ]
    for table in result.sources.values():
        rows.append((f"Fichier {table.label}", table.name, None))
    labels = {"erp_raw": "Lignes ERP lues", "erp_clean": "Lignes ERP nettoyées",
              "liaison_raw": "Lignes LIAISON lues", "liaison_clean": "Lignes LIAISON nettoyées",
              "web_raw": "Lignes WEB lues", "web_clean": "Lignes WEB avec sku",
              "web_dedup": "Lignes WEB dédoublonnées", "merged": "Lignes fusionnées"}
    rows += [(labels[k], v, "int") for k, v in s["rows"].items()]
    return rows


def revenue_report(result: "PipelineResult") -> bytes:
    """rapport_ca.xlsx: revenue per product, key figures and every check; no data cell is a formula."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    header = book.add_format({"bold": True, "bg_color": "#F2E6EA", "border": 1})
    formats = {"euro": book.add_format({"num_format": '#,##0.00 "€"'}),
               "int": book.add_format({"num_format": "#,##0"}),
               "dec": book.add_format({"num_format": "0.00"}),
               "z": book.add_format({"num_format": "0.000"})}

    products = result.products[list(REVENUE_COLUMNS)]
    _write_table(book.add_worksheet("CA par produit"), products, REVENUE_COLUMNS, header,
                 {c: formats["euro"] for c in EURO_COLUMNS} | {"total_sales": formats["int"]})

    synthesis = book.add_worksheet("Synthèse")
    synthesis.write_row(0, 0, ["Indicateur", "Valeur"], header)
    for i, (label, value, kind) in enumerate(summary_lines(result), start=1):
        synthesis.write_string(i, 0, label)
        _write_cell(synthesis, i, 1, value, formats.get(kind or ""))
    synthesis.set_column(0, 0, 40)
    synthesis.set_column(1, 1, 28)
    synthesis.freeze_panes(1, 0)

    check_table = pd.DataFrame({
        "id": [c.id for c in result.checks], "title": [c.title for c in result.checks],
        "step": [c.step for c in result.checks],
        "severity": [SEVERITY_LABELS[c.severity] for c in result.checks],
        "status": [STATUS_LABELS[c.status] for c in result.checks],
        "expected": [_json_value(c.expected) for c in result.checks],
        "actual": [_json_value(c.actual) for c in result.checks],
        "offending_count": [c.offending_count for c in result.checks],
        "message": [c.message for c in result.checks],
    })
    check_headers = {"id": "Contrôle", "title": "Intitulé", "step": "Étape", "severity": "Gravité",
                     "status": "Statut", "expected": "Attendu", "actual": "Obtenu",
                     "offending_count": "Lignes en cause", "message": "Message"}
    _write_table(book.add_worksheet("Contrôles"), check_table, check_headers, header, {})
    book.close()
    return buffer.getvalue()


def _write_cell(sheet, row: int, col: int, value: object, fmt=None) -> None:
    value = _json_value(value)
    if value is None:
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        sheet.write_string(row, col, "oui" if value else "non")
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value, fmt)
    else:
        sheet.write_string(row, col, str(value))


def _write_table(sheet, frame: pd.DataFrame, headers: dict[str, str], header_format, column_formats) -> None:
    """A table with a bold frozen header, an autofilter and fitted widths; text always stays text."""
    sheet.write_row(0, 0, [headers[c] for c in frame.columns], header_format)
    for j, column in enumerate(frame.columns):
        fmt = column_formats.get(column)
        series = frame[column]
        width = len(headers[column])
        if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
            values = series.astype("float64").to_numpy()
            finite = np.isfinite(values)
            write_number, write_blank = sheet.write_number, sheet.write_blank
            for i, (value, ok) in enumerate(zip(values.tolist(), finite.tolist()), start=1):
                if ok:
                    write_number(i, j, value, fmt)
                else:
                    write_blank(i, j, None, fmt)
            if finite.any():
                width = max(width, len(number(float(np.abs(values[finite]).max()))) + 3)
        elif pd.api.types.is_string_dtype(series.dtype):
            write_string, write_blank = sheet.write_string, sheet.write_blank
            for i, (value, missing) in enumerate(zip(series.tolist(), series.isna().tolist()), start=1):
                if missing:
                    write_blank(i, j, None, fmt)
                else:
                    write_string(i, j, value)
            lengths = series.dropna().str.len()
            if len(lengths):
                width = max(width, int(lengths.max()))
        else:
            for i, value in enumerate(series.tolist(), start=1):
                _write_cell(sheet, i, j, value, fmt)
            lengths = series.dropna().astype(str).str.len()
            if len(lengths):
                width = max(width, int(lengths.max()))
        sheet.set_column(j, j, min(width + 2, 60))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
    sheet.ignore_errors({"number_stored_as_text": f"A1:C{len(frame) + 1}"})


def merged_parquet(result: "PipelineResult") -> bytes:
    """The merged products with revenue and z-score, as Parquet."""
    buffer = io.BytesIO()
    result.products.to_parquet(buffer, index=False)
    return buffer.getvalue()


def archive(result: "PipelineResult", app_version: str) -> bytes:
    """One ZIP of every deliverable, the config used and a manifest tracing them to their inputs."""
    import yaml

    files = dict(result.exports())
    files[MERGED_PARQUET] = merged_parquet(result)
    files["configuration.yaml"] = yaml.safe_dump(result.config.to_dict(), allow_unicode=True,
                                                 sort_keys=False).encode("utf-8")
    manifest = {
        "application": "BottleNeck – analyse mensuelle", "version": app_version,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "period": result.period, "threshold": result.threshold, "config": result.config.source,
        "sources": [{"kind": kind, "name": t.name, "size": t.size, "sha256": t.sha256, "rows": t.raw_rows}
                    for kind, t in result.sources.items()],
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    }
    files["manifest.json"] = to_json(manifest)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, data in files.items():
            bundle.writestr(with_period(name, result.period), data)
    return buffer.getvalue()


def with_period(file_name: str, period: str) -> str:
    """rapport_ca.xlsx as rapport_ca_2026-11.xlsx."""
    stem, dot, ext = file_name.rpartition(".")
    return f"{stem}_{period}.{ext}" if dot else f"{file_name}_{period}"
