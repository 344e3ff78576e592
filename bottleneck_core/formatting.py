"""French number formats, said once for the CLI, the exports, the notifications and the app (70 568,60 €)."""
from __future__ import annotations

import math

THOUSANDS = " "  # a plain space: what users type and search for
NOT_COMPUTABLE = "non calculable"
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def number(value: float | int | None, decimals: int = 2) -> str:
    """A number in French format: a space between thousands, a comma before the decimals."""
    if not _finite(value):
        return NOT_COMPUTABLE
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u0000").replace(".", ",").replace("\u0000", THOUSANDS)


def euros(value: float | None) -> str:
    """An amount in euros, always with its two decimals: 70 568,60 €."""
    return f"{number(value, 2)} €" if _finite(value) else NOT_COMPUTABLE


def integer(value: int | float | None) -> str:
    """A count: 1 428."""
    return number(value, 0)


def percent(share: float | None, decimals: int = 1) -> str:
    """A share (0..1) as a French percentage with its space: 52,3 %."""
    return f"{number(share * 100, decimals)} %" if _finite(share) else NOT_COMPUTABLE


def signed(text: str, value: float) -> str:
    """A change with its sign: +1 234,00 €, −3."""
    return f"+{text}" if value > 0 else (f"−{text.lstrip('-')}" if value < 0 else text)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`30 vins`, `1 vin`, `0 vin`: a French count with its noun."""
    word = singular if abs(count) <= 1 else (plural_form or singular + "s")
    return f"{integer(count)} {word}"


def value(value: object, unit: str = "") -> str:
    """Any figure shown to users: euros, counts, decimals, shares or text; a dash when there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if unit == "€":
        return euros(value)
    if unit == "%":
        return percent(value)
    if isinstance(value, (int, float)):
        return integer(value) if float(value).is_integer() else number(value)
    return str(value)


def month_label(period: str) -> str:
    """`2026-11` as `novembre 2026`."""
    year, month = period.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


def of_month(period: str) -> str:
    """`2026-11` as `de novembre 2026`, `2026-10` as `d'octobre 2026` (elided before a vowel)."""
    label = month_label(period)
    return f"d'{label}" if label[0] in "aeiouyâéè" else f"de {label}"


def recent_periods(today_period: str, count: int = 24) -> list[str]:
    """The `count` months up to and including `today_period`, newest first, as YYYY-MM."""
    year, month = map(int, today_period.split("-"))
    periods = []
    for _ in range(count):
        periods.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return periods
