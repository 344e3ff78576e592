"""French number formats, the same on every screen and in every file."""
from __future__ import annotations

import pytest

from bottleneck_core.formatting import euros, integer, month_label, number, of_month, percent, plural, recent_periods, signed, value


@pytest.mark.parametrize("function, given, shown", [
    (euros, 70568.6, "70 568,60 €"), (euros, 126.5, "126,50 €"), (euros, None, "non calculable"),
    (integer, 1428, "1 428"), (number, 2.0, "2,00"), (percent, 0.8, "80,0 %"), (percent, 0.8654, "86,5 %"),
    (percent, float("nan"), "non calculable"),
])
def test_numbers_read_the_french_way(function, given, shown):
    assert function(given) == shown


@pytest.mark.parametrize("count, shown", [(0, "0 vin"), (1, "1 vin"), (2, "2 vins"), (1513, "1 513 vins")])
def test_counts_take_their_french_plural(count, shown):
    assert plural(count, "vin") == shown


@pytest.mark.parametrize("given, unit, shown", [(70568.6, "€", "70 568,60 €"), (0.865, "%", "86,5 %"), (714, "", "714"),
                                                (2.5, "", "2,50"), (None, "€", "—"), (True, "", "oui"), ("x", "", "x")])
def test_any_figure_has_one_way_to_be_shown(given, unit, shown):
    assert value(given, unit) == shown


def test_changes_carry_their_sign_and_months_their_french_name():
    assert (signed("3 %", 0.03), signed("-3 %", -0.03), signed("0 %", 0)) == ("+3 %", "−3 %", "0 %")
    assert month_label("2026-11") == "novembre 2026"
    assert recent_periods("2026-02", 3) == ["2026-02", "2026-01", "2025-12"]


@pytest.mark.parametrize("period, said", [("2026-10", "d'octobre 2026"), ("2026-04", "d'avril 2026"),
                                          ("2026-08", "d'août 2026"), ("2026-11", "de novembre 2026")])
def test_a_month_after_de_is_elided_before_a_vowel(period, said):
    assert of_month(period) == said
