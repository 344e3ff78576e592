"""The run's configuration: the premium threshold, the reference figures, and the levels of the checks that hold
for any month (coverage of the join, change since the previous month)."""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Union

from .errors import InputError

DEFAULT_THRESHOLD = 2.0
REFERENCE_CHECK_IDS = ("erp_rows", "liaison_rows", "web_clean_rows", "web_dedup_rows", "merged_rows",
                       "revenue_total", "premium_count")
COUNT_CHECK_IDS = frozenset(REFERENCE_CHECK_IDS) - {"revenue_total"}
DEFAULT_CONFIG_PATH = Path(__file__).resolve().parents[1] / "config" / "test_config.yaml"
TEMPLATE_HINT = ("Partez du modèle test_config.yaml (« Télécharger le modèle » dans la configuration de l'application) "
                 "ou du format de l'ancien pipeline Kestra.")
_FRENCH_NUMBER = re.compile(r"-?(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,]\d+)?")
_PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")

# The earlier Kestra pipeline's keys, nested by stage, and the check id each stands for.
KESTRA_KEYS = {
    ("nettoyage", "erp_apres_dedoublonnage"): "erp_rows",
    ("nettoyage", "liaison_apres_dedoublonnage"): "liaison_rows",
    ("nettoyage", "web_apres_nettoyage"): "web_clean_rows",
    ("nettoyage", "web_apres_dedoublonnage"): "web_dedup_rows",
    ("fusion", "lignes_finales"): "merged_rows",
    ("calculs", "ca_total"): "revenue_total",
    ("identification", "vins_premium"): "premium_count",
}


@dataclass(frozen=True)
class Expectation:
    """A reference figure: the value a check expects and the tolerance around it."""

    expected: float
    tolerance: float = 0.0


@dataclass(frozen=True)
class Levels:
    """A share that blocks the month below `error_below` and warns below `warning_below`."""

    error_below: float
    warning_below: float


# Shares the real exports pass (86,5 %, 100 % and 100 %), and a join that keeps nothing or a small fraction fails,
# as does a month whose revenue cannot be computed for a tenth of its products.
DEFAULT_COVERAGE = {"erp_matched": Levels(0.5, 0.8), "web_sales_matched": Levels(0.9, 0.95),
                    "revenue_computable": Levels(0.9, 1.0)}
DEFAULT_MAX_CHANGE = 0.25
# A figure multiplied or divided by this since the previous month is a wrong month (prices in cents, sales
# counted ten times, half an export), never a season: it blocks.
DEFAULT_BLOCKING_FACTOR = 3.0
# The median price of a wine merchant's products: outside this range, prices are read in the wrong unit.
DEFAULT_MEDIAN_PRICE = (2.0, 500.0)


@dataclass(frozen=True)
class Config:
    """What a run compares against: the threshold of record, the reference figures present, the coverage levels
    and the relative change since the previous month beyond which a figure is a warning."""

    threshold: float = DEFAULT_THRESHOLD
    expectations: dict[str, Expectation] = field(default_factory=dict)
    coverage: dict[str, Levels] = field(default_factory=lambda: dict(DEFAULT_COVERAGE))
    max_change: float = DEFAULT_MAX_CHANGE
    source: str = "aucune configuration (seuil par défaut, sans chiffres de référence)"
    blocking_factor: float = DEFAULT_BLOCKING_FACTOR
    median_price: tuple[float, float] = DEFAULT_MEDIAN_PRICE

    def to_dict(self) -> dict:
        """The config in this project's YAML format, as written into the deliverables."""
        checks = {k: ({"expected": e.expected, "tolerance": e.tolerance} if e.tolerance else {"expected": e.expected})
                  for k, e in self.expectations.items()}
        coverage = {k: {"error_below": v.error_below, "warning_below": v.warning_below}
                    for k, v in self.coverage.items()}
        return {"zscore_threshold": self.threshold, "checks": checks, "coverage": coverage,
                "month_over_month": {"max_relative_change": self.max_change, "blocking_factor": self.blocking_factor},
                "prices": {"median_min": self.median_price[0], "median_max": self.median_price[1]}}


ConfigSource = Union[str, os.PathLike, bytes, IO[bytes], dict, Config, None]


def load_config(source: ConfigSource = None, name: str | None = None) -> Config:
    """A Config from a YAML path, bytes, upload or dict, in this project's format or the Kestra one."""
    if source is None:
        return Config()
    if isinstance(source, Config):
        return source
    if isinstance(source, dict):
        return parse_config(source, name or "configuration")
    from .io.files import load_raw

    raw = load_raw(source, name or "configuration.yaml")
    label = name or raw.name
    import yaml

    try:
        document = yaml.safe_load(raw.data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError("la configuration n'est pas un texte UTF-8.", file=label) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        tag = " (balise non autorisée : seules des valeurs simples sont acceptées)" if "tag" in str(exc) else ""
        raise InputError(f"la configuration n'est pas un YAML valide{tag}.", file=label,
                         rows=[mark.line + 1] if mark is not None else [], hint=TEMPLATE_HINT) from None
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise InputError("la configuration doit être une suite de clés et de valeurs.", file=label,
                         hint=TEMPLATE_HINT)
    return parse_config(document, label)


def parse_config(document: dict, label: str) -> Config:
    """A Config from a parsed YAML document of either format; unknown keys and wrong types are refused."""
    if any(stage in document for stage in ("nettoyage", "fusion", "calculs", "identification")):
        return _parse_kestra(document, label)
    allowed = ("checks", "coverage", "month_over_month", "prices", "zscore_threshold")
    _refuse_unknown(document, allowed, label, "")
    threshold = _number(document.get("zscore_threshold", DEFAULT_THRESHOLD), label, "zscore_threshold")
    expectations = {}
    for check_id, spec in _section(document, "checks", label).items():
        if check_id not in REFERENCE_CHECK_IDS:
            raise InputError(f"contrôle inconnu « {check_id} » (contrôles reconnus : "
                             f"{', '.join(REFERENCE_CHECK_IDS)}).", file=label)
        if isinstance(spec, dict):
            _refuse_unknown(spec, ("expected", "tolerance"), label, f"{check_id}.")
            if spec.get("expected") is None:
                continue
            expected = _number(spec["expected"], label, f"checks.{check_id}.expected")
            tolerance = _number(spec.get("tolerance", 0), label, f"checks.{check_id}.tolerance")
        elif spec is None:
            continue
        else:
            expected, tolerance = _number(spec, label, f"checks.{check_id}"), 0.0
        expectations[check_id] = _expectation(check_id, expected, tolerance, label)
    coverage = dict(DEFAULT_COVERAGE)
    for name, spec in _section(document, "coverage", label).items():
        if name not in DEFAULT_COVERAGE or not isinstance(spec, dict):
            raise InputError(f"« coverage.{name} » n'est pas reconnu (parts reconnues : "
                             f"{', '.join(DEFAULT_COVERAGE)}, chacune avec error_below et warning_below).", file=label)
        _refuse_unknown(spec, ("error_below", "warning_below"), label, f"coverage.{name}.")
        error = _share(spec.get("error_below", coverage[name].error_below), label, f"coverage.{name}.error_below")
        warning = _share(spec.get("warning_below", coverage[name].warning_below), label,
                         f"coverage.{name}.warning_below")
        coverage[name] = Levels(error, max(error, warning))
    drift = _section(document, "month_over_month", label)
    _refuse_unknown(drift, ("max_relative_change", "blocking_factor"), label, "month_over_month.")
    max_change = _number(drift.get("max_relative_change", DEFAULT_MAX_CHANGE), label,
                         "month_over_month.max_relative_change")
    if max_change <= 0:
        raise InputError("« month_over_month.max_relative_change » doit être positif (0.25 pour 25 %).", file=label)
    factor = _number(drift.get("blocking_factor", DEFAULT_BLOCKING_FACTOR), label, "month_over_month.blocking_factor")
    if factor <= 1:
        raise InputError("« month_over_month.blocking_factor » doit dépasser 1 (3 pour « multiplié ou divisé par 3 »).",
                         file=label)
    prices = _section(document, "prices", label)
    _refuse_unknown(prices, ("median_min", "median_max"), label, "prices.")
    low = _number(prices.get("median_min", DEFAULT_MEDIAN_PRICE[0]), label, "prices.median_min")
    high = _number(prices.get("median_max", DEFAULT_MEDIAN_PRICE[1]), label, "prices.median_max")
    if not 0 <= low < high:
        raise InputError("« prices.median_min » doit être positif et inférieur à « prices.median_max ».", file=label)
    return Config(threshold, expectations, coverage, max_change, label, factor, (low, high))


def _section(document: dict, key: str, label: str) -> dict:
    section = document.get(key) or {}
    if not isinstance(section, dict):
        raise InputError(f"« {key} » doit contenir des clés et des valeurs.", file=label, hint=TEMPLATE_HINT)
    return section


def _refuse_unknown(document: dict, allowed: tuple[str, ...], label: str, prefix: str) -> None:
    unknown = sorted(str(k) for k in document if k not in allowed)
    if unknown:
        where = f" pour « {prefix.rstrip('.')} »" if prefix else ""
        kestra = "" if prefix else " ; ou celles de l'ancien pipeline Kestra : nettoyage, fusion, calculs, identification"
        raise InputError(f"clés inconnues{where} : {', '.join(unknown)} (clés reconnues : {', '.join(allowed)}"
                         f"{kestra}).", file=label, hint=TEMPLATE_HINT)


def _parse_kestra(document: dict, label: str) -> Config:
    expectations: dict[str, Expectation] = {}
    threshold = DEFAULT_THRESHOLD
    calculs = document.get("calculs") or {}
    tolerance = 0.01
    if isinstance(calculs, dict) and "tolerance_ca" in calculs:
        tolerance = _number(calculs["tolerance_ca"], label, "calculs.tolerance_ca")
    for stage, values in document.items():
        if not isinstance(values, dict):
            raise InputError(f"la section « {stage} » doit contenir des clés et des valeurs.", file=label)
        for key, value in values.items():
            if (stage, key) in KESTRA_KEYS:
                check_id = KESTRA_KEYS[(stage, key)]
                expectations[check_id] = _expectation(check_id, _number(value, label, f"{stage}.{key}"),
                                                      tolerance if check_id == "revenue_total" else 0.0, label)
            elif (stage, key) == ("identification", "zscore_seuil"):
                threshold = _number(value, label, f"{stage}.{key}")
            elif (stage, key) != ("calculs", "tolerance_ca"):
                raise InputError(f"clé inconnue « {stage}.{key} » dans la configuration Kestra.", file=label)
    return Config(threshold, expectations, source=f"{label} (format Kestra)")


def _expectation(check_id: str, expected: float, tolerance: float, label: str) -> Expectation:
    if check_id in COUNT_CHECK_IDS and (expected < 0 or not float(expected).is_integer()):
        raise InputError(f"« {check_id} » attend un nombre entier de lignes, pas {expected}.", file=label)
    if tolerance < 0:
        raise InputError(f"la tolérance de « {check_id} » ne peut pas être négative.", file=label)
    return Expectation(float(expected), float(tolerance))


def _number(value: object, label: str, key: str) -> float:
    """A number as YAML reads it, or written the French way between quotes (« 70 568,60 »)."""
    if isinstance(value, str) and _FRENCH_NUMBER.fullmatch(value.strip()):
        value = float(re.sub(r"[ \u00a0\u202f]", "", value.strip()).replace(",", "."))
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(f"« {key} » doit être un nombre, pas « {value} ».", file=label, hint=TEMPLATE_HINT)
    return float(value)


def _share(value: object, label: str, key: str) -> float:
    share = _number(value, label, key)
    if not 0 <= share <= 1:
        raise InputError(f"« {key} » est une part entre 0 et 1 (0.8 pour 80 %), pas {share}.", file=label)
    return share


def check_period(period: str | None) -> str:
    """A month as YYYY-MM, the current one when none is given."""
    if period is None or period == "":
        return date.today().strftime("%Y-%m")
    if not isinstance(period, str) or not _PERIOD.fullmatch(period.strip()):
        raise InputError(f"la période « {period} » n'est pas un mois au format AAAA-MM (par exemple 2026-11).")
    return period.strip()


def parse_threshold(text: object) -> float:
    """A z-score threshold as French users write it (2,5) or as a number: finite, else an InputError."""
    try:
        value = float(str(text).strip().replace(",", ".")) if isinstance(text, str) else float(text)
    except (TypeError, ValueError):
        raise InputError(f"le seuil de z-score « {text} » n'est pas un nombre (par exemple 2 ou 2,5).") from None
    if not math.isfinite(value):
        raise InputError(f"le seuil de z-score « {text} » n'est pas un nombre fini.")
    return value
