"""Each month checked against the previous one recorded: a figure that moved more than the configuration allows is
a warning, both months' values shown (what makes the checks mean something without reference figures)."""
from __future__ import annotations

import math

from ..config import Config
from ..formatting import month_label, number, percent, signed, value
from .facts import MonthFigures, RunFacts
from .rules import CHECKS, MONTH_FIGURES, NOT_COMPUTABLE, SIMULATED, SKIPPED, CheckResult, neither, result


def relative_change(before: float, after: float) -> float:
    """(after − before) / |before|; infinite when something appears from nothing."""
    if before == 0:
        return 0.0 if after == 0 else math.inf
    return (after - before) / abs(before)


def month_checks(facts: RunFacts, config: Config) -> list[CheckResult]:
    """One check per figure of MONTH_FIGURES against the previous recorded month, when there is one."""
    return [_figure_check(figure, facts, facts.previous, config.max_change) for figure in MONTH_FIGURES]


def _figure_check(figure: str, facts: RunFacts, previous: MonthFigures | None, limit: float) -> CheckResult:
    check_id, spec = f"change_{figure}", CHECKS[f"change_{figure}"]
    now = facts.figures.get(figure)
    if previous is None:
        return neither(check_id, SKIPPED, None, now, f"{MONTH_FIGURES[figure]} : aucun mois précédent dans "
                                                     "l'historique, pas de comparaison.")
    before = previous.figures.get(figure)
    if figure == "premium_count" and (facts.simulated or previous.threshold != facts.threshold):
        why = SIMULATED if facts.simulated else (f"le mois précédent a été analysé au seuil "
                                                 f"{number(previous.threshold)}, pas à {number(facts.threshold)}")
        return neither(check_id, SKIPPED, before, now, f"{MONTH_FIGURES[figure]} : {why}.")
    if before is None or now is None:
        return neither(check_id, NOT_COMPUTABLE, before, now, f"{MONTH_FIGURES[figure]} : non calculable.")
    change = relative_change(before, now)
    ok = abs(change) <= limit
    moved = "sans changement" if change == 0 else ("apparu" if math.isinf(change)
                                                   else signed(percent(abs(change)), change))
    message = (f"{MONTH_FIGURES[figure]} : {value(now, spec.unit)} en {month_label(facts.period)} contre "
               f"{value(before, spec.unit)} en {month_label(previous.period)} ({moved}), "
               + (f"dans la limite de ± {percent(limit)}." if ok else
                  f"au-delà de ± {percent(limit)}. {spec.meaning}"))
    return result(check_id, ok, before, now, message)
