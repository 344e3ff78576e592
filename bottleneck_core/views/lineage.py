"""The steps and checks as shown: one line per step, the checks with titles first, the verdict banner's parts."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..checks import CheckResult, blocking_failures, verdict
from ..config import REFERENCE_CHECK_IDS
from ..formatting import integer, plural, value
from ..labels import SEVERITY_LABELS, STEP_TITLES, status_label
from ..pipeline import PipelineResult
from ..steps.lineage import StepResult
from .products import readable


@dataclass(frozen=True)
class Banner:
    """The one banner every page shows: passed or failed, and the sentence that says it."""

    ok: bool
    text: str


def banner(result: PipelineResult) -> Banner:
    """The verdict, with the reference figures told apart (ignored at a simulated threshold, absent from a config)."""
    references = [c for c in result.checks if c.id in REFERENCE_CHECK_IDS]
    passed = sum(c.status == "passed" for c in references)
    expected = [c for c in references if c.id in result.config.expectations]
    if not expected:
        refs = "aucun chiffre de référence dans la configuration"
    else:
        ignored = sum(c.status == "skipped" for c in expected)
        refs = f"{passed} / {len(expected) - ignored} contrôles de référence réussis" + (
            f", {plural(ignored, 'ignoré')} (seuil simulé)" if ignored else "")
    warnings = [c for c in result.checks if c.warning]
    # Non-breaking spaces inside the quotes: a line never starts with » nor ends with «.
    rules = (" Règles non respectées : " + ", ".join(f"«\u00a0{c.title}\u00a0»" for c in warnings) + ".") if warnings else ""
    return Banner(result.checks_passed, f"{verdict(result.checks, refs)}{rules}")


def failed_badge(result: PipelineResult) -> str | None:
    """What every page says, beside its figures, of a month whose blocking checks failed: those figures are not
    to be used as they are."""
    failed = sum(c.blocking_failure for c in result.checks)
    return blocking_failures(failed) if failed else None


def step_summary(result: PipelineResult) -> pd.DataFrame:
    """One line per step: rows in, out and removed, and the state of its checks."""
    read = sum(t.raw_rows for t in result.sources.values())
    rows = [("read", read, read, 0)]  # reading keeps every row (a file it cannot read stops the analysis)
    rows += [(s.id, s.rows_in, s.rows_out, s.rows_removed) for s in result.steps]
    lines = []
    for step_id, rows_in, rows_out, removed in rows + [("month", None, None, None)]:
        checks = [c for c in result.checks if c.step == step_id]
        failed = [c for c in checks if c.blocking_failure]
        warned = [c for c in checks if c.warning]
        state = (plural(len(failed), "échec bloquant", "échecs bloquants") if failed else
                 plural(len(warned), "avertissement") if warned else
                 "réussi" if any(c.status == "passed" for c in checks) else "ignoré")
        out = integer(rows_out) if rows_out is not None else "—"
        removed = integer(removed) if removed is not None else "—"
        if step_id == "premium":  # a split, not a removal: the ordinary wines stay in the analysis
            out, removed = step_output(result.step("premium")), "0"
        lines.append({"Étape": STEP_TITLES[step_id], "Entrée": integer(rows_in) if rows_in is not None else "—",
                      "Sortie": out, "Écartées": removed, "Contrôles": state})
    return pd.DataFrame(lines)


def step_output(step: StepResult) -> str:
    """What a step gives: its rows out or, for the premium split, both sides of it."""
    if step.id == "premium":
        return f"{integer(step.rows_out)} premium + {integer(step.rows_removed)} ordinaires"
    return integer(step.rows_out)


def step_heading(number: int, step: StepResult) -> str:
    """A step's heading on the Étapes page, with the same counts as its line in the summary."""
    out = step_output(step) if step.id == "premium" else f"{step_output(step)} en sortie"
    return f"{number}. {step.title} — {integer(step.rows_in)} en entrée, {out}"


def check_line(check: CheckResult) -> dict[str, str]:
    """A check as read on screen: its title first, expected and actual in their unit, its identifier last."""
    return {"title": check.title, "status": status_label(check.status, check.severity),
            "severity": SEVERITY_LABELS[check.severity],
            # A share is a minimum to reach (the coverage checks), not a figure to hit.
            "expected": ("≥ " if check.unit == "%" and check.expected is not None else "")
                        + value(check.expected, check.unit), "actual": value(check.actual, check.unit),
            "message": check.message, "id": check.id}


def offending_table(check: CheckResult) -> pd.DataFrame:
    """The rows at fault, as read on screen."""
    return readable(check.offending)


def removed_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows a step removed, their reason first, as read on screen."""
    return readable(frame)


def source_lines(result: PipelineResult) -> pd.DataFrame:
    """What was read: each file, its rows and columns, the columns it renamed and those it did not know."""
    return pd.DataFrame([{"Source": t.label, "Fichier": t.name, "Feuille": t.sheet or "—",
                          "Lignes lues": integer(t.raw_rows), "Colonnes": integer(t.n_columns),
                          "Colonnes renommées": ", ".join(f"{h} → {c}" for c, h in t.mapped.items()) or "—",
                          "Colonnes inconnues (ignorées)": ", ".join(t.unknown_columns) or "—"}
                         for t in result.sources.values()])
