"""Each month checked against the previous one recorded: a figure that moved more than the configuration allows is
a warning, both months' values shown (what makes the checks mean something without reference figures)."""
from __future__ import annotations

import math

from ..config import Config
from ..formatting import month_label, number, of_month, percent, signed, value
from ..io.contracts import CONTRACTS
from .facts import MonthFigures, RunFacts
from .rules import (CHECKS, ERROR, MONTH_FIGURES, NO_PREVIOUS_MONTH, NOT_COMPUTABLE, SIMULATED, SKIPPED, CheckResult,
                    neither, result)


def relative_change(before: float, after: float) -> float:
    """(after − before) / |before|; infinite when something appears from nothing."""
    if before == 0:
        return 0.0 if after == 0 else math.inf
    return (after - before) / abs(before)


def month_checks(facts: RunFacts, config: Config) -> list[CheckResult]:
    """One check per figure of MONTH_FIGURES against the previous recorded month, when there is one."""
    return [*(_figure_check(figure, facts, facts.previous, config) for figure in MONTH_FIGURES),
            _not_previous_exports(facts, facts.previous)]


# Figures that two real months never share all at once: the same revenue to the cent, product counts and mean price.
SAME_MONTH_FIGURES = {"revenue_total": 0.005, "erp_rows": 0, "web_clean_rows": 0, "merged_rows": 0, "price_mean": 1e-9}


def _not_previous_exports(facts: RunFacts, previous: MonthFigures | None) -> CheckResult:
    """Last month's exports dropped again as this month's (the scheduled folder not refreshed, the wrong files
    picked): the ERP or WEB file byte for byte, or every figure identical. Each figure's own change check passes
    on them (« sans changement »), so this one says it. LIAISON may stay the same from month to month."""
    check_id = "not_previous_exports"
    if previous is None:
        return neither(check_id, SKIPPED, None, None, NO_PREVIOUS_MONTH)
    before, now = month_label(previous.period), month_label(facts.period)
    files = ["l'export " + CONTRACTS[kind].label for kind in ("erp", "web")
             if facts.sources.get(kind) and facts.sources[kind] == previous.sources.get(kind)]
    figures = [(previous.figures.get(f), facts.figures.get(f)) for f in SAME_MONTH_FIGURES]
    same_figures = all(a is not None and b is not None and abs(a - b) <= SAME_MONTH_FIGURES[f]
                       for f, (a, b) in zip(SAME_MONTH_FIGURES, figures))
    if files:
        what = (f"{' et '.join(files)} "
                f"{'sont identiques' if len(files) > 1 else 'est identique'}, octet pour octet, à "
                f"{'ceux' if len(files) > 1 else 'celui'} enregistré{'s' if len(files) > 1 else ''} pour {before}")
    elif same_figures:
        what = (f"le chiffre d'affaires ({value(facts.figures['revenue_total'], '€')}), les nombres de produits et "
                f"le prix moyen sont les mêmes qu'en {before}")
    else:
        return result(check_id, True, "nouveaux", "nouveaux", f"Les exports et les chiffres diffèrent de ceux "
                                                              f"enregistrés pour {before}.")
    found = f"{'fichiers' if files else 'chiffres'} {of_month(previous.period)}"
    again = "c'est sans doute celui de ce mois-là, déposé" if len(files) == 1 else \
        "ce sont sans doute les exports de ce mois-là, déposés"
    message = (f"{what[0].upper()}{what[1:]} : {again} de nouveau pour {now}. Vérifiez les fichiers déposés et le "
               "mois analysé.")
    return result(check_id, False, "nouveaux", found, message)


def _figure_check(figure: str, facts: RunFacts, previous: MonthFigures | None, config: Config) -> CheckResult:
    """A warning beyond the allowed change; blocking when the figure was multiplied or divided by the blocking
    factor (the premium count, a small number that a shift of prices moves a lot, only warns)."""
    check_id, spec, limit = f"change_{figure}", CHECKS[f"change_{figure}"], config.max_change
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
    factor = config.blocking_factor
    blocked = (figure != "premium_count" and before > 0 and now >= 0
               and not before / factor < now < before * factor)
    moved = "sans changement" if change == 0 else ("apparu" if math.isinf(change)
                                                   else signed(percent(abs(change)), change))
    told = (f"{MONTH_FIGURES[figure]} : {value(now, spec.unit)} en {month_label(facts.period)} contre "
            f"{value(before, spec.unit)} en {month_label(previous.period)} ({moved}), ")
    if ok:
        message = told + f"dans la limite de ± {percent(limit)}."
    elif blocked:
        message = told + (f"{'multiplié' if now > before else 'divisé'} par {number(factor)} ou plus depuis le mois "
                          "précédent : ce n'est pas un mois ordinaire mais une erreur d'export (unité changée, "
                          "ventes multipliées, fichier incomplet) tant qu'elle n'est pas expliquée.")
    else:
        message = told + f"au-delà de ± {percent(limit)}. {spec.meaning}"
    return result(check_id, ok, before, now, message, severity=ERROR if blocked else None)
