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
