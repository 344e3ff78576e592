"""The deliverables of a run, a function of its result: file name to bytes."""
from __future__ import annotations

from ..pipeline import PipelineResult
from .extracts import french_csv, to_json
from .report import write_report
from .tables import WINE_COLUMNS, check_records, summary

REPORT = "rapport_ca.xlsx"
PREMIUM_CSV = "vins_premium.csv"
ORDINARY_CSV = "vins_ordinaires.csv"
SUMMARY_JSON = "synthese.json"
CHECKS_JSON = "controles.json"


def deliverables(result: PipelineResult) -> dict[str, bytes]:
    """Every deliverable of a run: the Excel report, the two CSV extracts and the two JSON records."""
    return {
        REPORT: write_report(result),
        PREMIUM_CSV: french_csv(result.premium[WINE_COLUMNS]),
        ORDINARY_CSV: french_csv(result.ordinary[WINE_COLUMNS]),
        SUMMARY_JSON: to_json(summary(result)),
        CHECKS_JSON: to_json(check_records(result)),
    }
