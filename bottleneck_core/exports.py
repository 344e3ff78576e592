"""The deliverables: the Excel revenue report, the CSV extracts for French Excel, and JSON records."""
from __future__ import annotations

import hashlib
import io
import json
import math
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .checks import SEVERITY_LABELS, STATUS_LABELS
from .formatting import number
from .reading import TEXT_DTYPE
from .report import Column, ReportTables, write_report

if TYPE_CHECKING:
    from .pipeline import PipelineResult

REPORT = "rapport_ca.xlsx"
PREMIUM_CSV = "vins_premium.csv"
ORDINARY_CSV = "vins_ordinaires.csv"
SUMMARY_JSON = "summary.json"
CHECKS_JSON = "checks.json"
MERGED_PARQUET = "produits_fusionnes.parquet"
WORKER_REPORT_ROWS = 50_000  # about half a second of writing: well within a worker's limits

REVENUE_COLUMNS = {"product_id": "Identifiant produit", "sku": "SKU", "name": "Vin", "price": "Prix (€)",
                   "total_sales": "Ventes (unités)", "revenue": "Chiffre d'affaires (€)"}
WINE_COLUMNS = {"product_id": "Identifiant produit", "sku": "SKU", "name": "Vin", "price": "Prix (€)",
                "revenue": "Chiffre d'affaires (€)", "price_zscore": "Z-score du prix"}
EURO_COLUMNS = {"price", "revenue"}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
_ESCAPES = {"\t": r"\t", "\r": r"\r", "\n": r"\n", "-": r"\-", "+": r"\+"}
_RISKY_START = "[" + "".join(_ESCAPES.get(c, c) for c in FORMULA_PREFIXES) + "]"


def build_exports(result: "PipelineResult", report: bool = True) -> dict[str, bytes]:
    """Every deliverable of a run, file name to bytes. The xlsx report, the longest to write, is written by
    a worker process while this one builds the CSV and JSON files."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(_report_in_worker, report_tables(result)) if report else None
        files = {
            PREMIUM_CSV: wines_csv(result.premium),
            ORDINARY_CSV: wines_csv(result.ordinary),
            SUMMARY_JSON: to_json(result.summary),
            CHECKS_JSON: to_json(checks_records(result)),
        }
        return ({REPORT: pending.result()} | files) if pending else files


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


def report_tables(result: "PipelineResult") -> ReportTables:
    """What rapport_ca.xlsx shows, as plain lists: revenue per product, the key figures and every check."""
    products = result.products
    product_columns = []
    for column, header in REVENUE_COLUMNS.items():
        values = products[column]
        if column in ("product_id", "sku", "name"):
            product_columns.append(text_column(header, [v if isinstance(v, str) else None for v in values.tolist()]))
        else:
            kind = "euro" if column in EURO_COLUMNS else "int"
            product_columns.append(number_column(header, values.astype("float64").tolist(), kind))
    checks = result.checks
    check_columns = [
        text_column("Contrôle", [c.id for c in checks]), text_column("Intitulé", [c.title for c in checks]),
        text_column("Étape", [c.step for c in checks]),
        text_column("Gravité", [SEVERITY_LABELS[c.severity] for c in checks]),
        text_column("Statut", [STATUS_LABELS[c.status] for c in checks]),
        any_column("Attendu", [_json_value(c.expected) for c in checks]),
        any_column("Obtenu", [_json_value(c.actual) for c in checks]),
        number_column("Lignes en cause", [float(c.offending_count) for c in checks]),
        text_column("Message", [c.message for c in checks]),
    ]
    synthesis = [(label, _json_value(value), kind) for label, value, kind in summary_lines(result)]
    return ReportTables(product_columns, synthesis, check_columns)


def _report_in_worker(tables: ReportTables) -> bytes:
    """rapport_ca.xlsx written by a warm worker (the second core), or here if none is free or it fails: the
    report never waits behind another user's workbook. A report too large for a worker's time and CPU
    limits (meant for parsing untrusted files) is written here directly."""
    from . import isolation

    rows = max((len(c.values) for c in tables.products), default=0)
    if isolation.enabled() and rows <= WORKER_REPORT_ROWS:
        try:
            return isolation.run_isolated("write_report", tables, wait=False)
        except isolation.WorkerFailure:
            pass
    return write_report(tables)


def text_column(header: str, texts: list) -> Column:
    width = max([len(header)] + [len(t) for t in texts if t is not None])
    return Column(header, texts, "text", None, width)


def number_column(header: str, numbers: list, number_format: str | None = None) -> Column:
    finite = [abs(v) for v in numbers if v is not None and math.isfinite(v)]
    width = max(len(header), len(number(max(finite))) + 3 if finite else 0)
    return Column(header, numbers, "number", number_format, width)


def any_column(header: str, values: list) -> Column:
    def shown(v: object) -> int:  # numbers are shown with French separators
        numeric = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
        return len(number(abs(v))) + 3 if numeric else len(str(v))
    width = max([len(header)] + [shown(v) for v in values if v is not None])
    return Column(header, values, "any", None, width)


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
