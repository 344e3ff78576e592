"""The run's configuration: z-score threshold and the reference figures of the checks."""
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
class Config:
    """What a run compares against: the premium threshold and the reference figures present."""

    threshold: float = DEFAULT_THRESHOLD
    expectations: dict[str, Expectation] = field(default_factory=dict)
    source: str = "aucune configuration (seuil par défaut, sans chiffres de référence)"

    def to_dict(self) -> dict:
        """The config in this project's YAML format, as written into the deliverables."""
        checks = {k: ({"expected": e.expected, "tolerance": e.tolerance} if e.tolerance else {"expected": e.expected})
                  for k, e in self.expectations.items()}
        return {"zscore_threshold": self.threshold, "checks": checks}


ConfigSource = Union[str, os.PathLike, bytes, IO[bytes], dict, Config, None]


def load_config(source: ConfigSource = None, name: str | None = None) -> Config:
    """A Config from a YAML path, bytes, upload or dict, in this project's format or the Kestra one."""
    if source is None:
        return Config()
    if isinstance(source, Config):
        return source
    if isinstance(source, dict):
        return parse_config(source, name or "configuration")
    from .reading import load_raw

    raw = load_raw(source, name or "configuration.yaml")
    label = name or raw.name
    import yaml

    try:
        text = raw.data.decode("utf-8-sig")
        document = yaml.safe_load(text)
    except UnicodeDecodeError:
        raise InputError("la configuration n'est pas un texte UTF-8.", file=label) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        rows = [mark.line + 1] if mark is not None else []
        tag = " (balise non autorisée : seules des valeurs simples sont acceptées)" if "tag" in str(exc) else ""
        raise InputError(f"la configuration n'est pas un YAML valide{tag}.", file=label, rows=rows,
                         hint="Reprenez le modèle config/test_config.yaml.") from None
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise InputError("la configuration doit être une suite de clés et de valeurs.", file=label,
                         hint="Reprenez le modèle config/test_config.yaml.")
    return parse_config(document, label)


def parse_config(document: dict, label: str) -> Config:
    """A Config from a parsed YAML document of either format; unknown keys and wrong types are refused."""
    if any(stage in document for stage in ("nettoyage", "fusion", "calculs", "identification")):
        return _parse_kestra(document, label)
    allowed = {"zscore_threshold", "checks"}
    unknown = sorted(str(k) for k in document if k not in allowed)
    if unknown:
        raise InputError(f"clés inconnues : {', '.join(unknown)} (clés reconnues : checks, zscore_threshold).",
                         file=label, hint="Reprenez le modèle config/test_config.yaml.")
    threshold = _number(document.get("zscore_threshold", DEFAULT_THRESHOLD), label, "zscore_threshold")
    checks = document.get("checks") or {}
    if not isinstance(checks, dict):
        raise InputError("« checks » doit associer chaque contrôle à sa valeur attendue.", file=label)
    expectations = {}
    for check_id, spec in checks.items():
        if check_id not in REFERENCE_CHECK_IDS:
            raise InputError(f"contrôle inconnu « {check_id} » (contrôles reconnus : "
                             f"{', '.join(REFERENCE_CHECK_IDS)}).", file=label)
        if spec is None:
            continue
        if isinstance(spec, dict):
            extra = sorted(str(k) for k in spec if k not in ("expected", "tolerance"))
            if extra:
                raise InputError(f"clés inconnues pour « {check_id} » : {', '.join(extra)} "
                                 "(clés reconnues : expected, tolerance).", file=label)
            if spec.get("expected") is None:
                continue
            expected = _number(spec["expected"], label, f"checks.{check_id}.expected")
            tolerance = _number(spec.get("tolerance", 0), label, f"checks.{check_id}.tolerance")
        else:
            expected, tolerance = _number(spec, label, f"checks.{check_id}"), 0.0
        expectations[check_id] = _expectation(check_id, expected, tolerance, label)
    return Config(threshold, expectations, label)


def _parse_kestra(document: dict, label: str) -> Config:
    expectations: dict[str, Expectation] = {}
    threshold = DEFAULT_THRESHOLD
    tolerance = 0.01
    calculs = document.get("calculs") or {}
    if isinstance(calculs, dict) and "tolerance_ca" in calculs:
        tolerance = _number(calculs["tolerance_ca"], label, "calculs.tolerance_ca")
    for stage, values in document.items():
        if not isinstance(values, dict):
            raise InputError(f"la section « {stage} » doit contenir des clés et des valeurs.", file=label)
        for key, value in values.items():
            if (stage, key) in KESTRA_KEYS:
                check_id = KESTRA_KEYS[(stage, key)]
                number = _number(value, label, f"{stage}.{key}")
                expectations[check_id] = _expectation(
                    check_id, number, tolerance if check_id == "revenue_total" else 0.0, label)
            elif (stage, key) == ("identification", "zscore_seuil"):
                threshold = _number(value, label, f"{stage}.{key}")
            elif (stage, key) != ("calculs", "tolerance_ca"):
                raise InputError(f"clé inconnue « {stage}.{key} » dans la configuration Kestra.", file=label)
    return Config(threshold, expectations, f"{label} (format Kestra)")


def _expectation(check_id: str, expected: float, tolerance: float, label: str) -> Expectation:
    if check_id in COUNT_CHECK_IDS and (expected < 0 or not float(expected).is_integer()):
        raise InputError(f"« {check_id} » attend un nombre entier de lignes, pas {expected}.", file=label)
    if tolerance < 0:
        raise InputError(f"la tolérance de « {check_id} » ne peut pas être négative.", file=label)
    return Expectation(float(expected), float(tolerance))


def _number(value: object, label: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(f"« {key} » doit être un nombre, pas « {value} ».", file=label,
                         hint="Reprenez le modèle config/test_config.yaml.")
    return float(value)


def check_period(period: str | None) -> str:
    """A month as YYYY-MM, the current one when none is given."""
    if period is None or period == "":
        return date.today().strftime("%Y-%m")
    if not isinstance(period, str) or not _PERIOD.fullmatch(period.strip()):
        raise InputError(f"la période « {period} » n'est pas un mois au format AAAA-MM (par exemple 2026-11).")
    return period.strip()
