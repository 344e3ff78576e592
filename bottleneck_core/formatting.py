"""French number formats shared by the CLI, the exports and the app (70 568,60 €)."""
from __future__ import annotations

import math

THOUSANDS = " "  # a plain space: what users type and search for


def number(value: float | int | None, decimals: int = 2, thousands: str = THOUSANDS) -> str:
    """A number in French format: space between thousands, comma before decimals."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "non calculable"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u0000").replace(".", ",").replace("\u0000", thousands)


def euros(value: float | None) -> str:
    """An amount in euros, French style: 70 568,60 €."""
    text = number(value, 2)
    return text if text == "non calculable" else f"{text} €"


def integer(value: int | None) -> str:
    """A count, French style: 1 428."""
    return number(value, 0)


def percent(share: float | None, decimals: int = 1) -> str:
    """A share (0..1) as a French percentage: 52,3 %."""
    if share is None or not math.isfinite(share):
        return "non calculable"
    return f"{number(share * 100, decimals)} %"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`30 vins`, `1 vin`: a French count with its noun."""
    word = singular if count in (0, 1) else (plural_form or singular + "s")
    return f"{integer(count)} {word}"


MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


def month_label(period: str) -> str:
    """`2026-11` as `novembre 2026`."""
    year, month = period.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


def recent_periods(today_period: str, count: int = 24) -> list[str]:
    """The `count` months up to and including `today_period`, newest first, as YYYY-MM."""
    year, month = map(int, today_period.split("-"))
    periods = []
    for _ in range(count):
        periods.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return periods
