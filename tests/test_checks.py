"""Checks are data: each has a status, expected and actual, a French message and its offending rows."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bottleneck_core.checks import CHECKS, count_check, reference_check, rows_accounted
from bottleneck_core.config import Config, Expectation
from bottleneck_core.step import StepResult, rows_where
from conftest import REPO


def test_a_reference_figure_within_tolerance_passes():
    config = Config(expectations={"revenue_total": Expectation(70568.60, 0.01)})
    assert reference_check("revenue_total", 70568.605, config).status == "passed"


def test_a_reference_figure_off_target_fails_with_both_values_in_french():
    config = Config(expectations={"erp_rows": Expectation(825)})
    result = reference_check("erp_rows", 1200, config)
    assert (result.status, result.expected, result.actual) == ("failed", 825, 1200)
    assert result.message == "Lignes ERP après dédoublonnage : 1 200 obtenu, 825 attendu."


def test_an_absent_reference_is_skipped_not_passed():
    result = reference_check("merged_rows", 714, Config())
    assert result.status == "skipped" and result.passed is None


def test_an_uncomputable_figure_is_neither_passed_nor_failed():
    config = Config(expectations={"premium_count": Expectation(30)})
    result = reference_check("premium_count", None, config)
    assert result.status == "not_computable" and result.passed is None and not result.blocking_failure


def test_a_step_that_loses_rows_fails_its_balance_check():
    frame = pd.DataFrame({"a": [1, 2]})
    leaky = StepResult("clean_erp", "Nettoyage ERP", 3, frame, frame.iloc[0:0])
    result = rows_accounted(leaky)
    assert result.status == "failed" and "ont disparu" in result.message


def test_count_check_keeps_a_sample_and_the_full_count():
    rows = pd.DataFrame({"x": range(120)})
    result = count_check("erp_price_not_negative", rows, "lignes ERP au prix négatif")
    assert result.offending_count == 120 and len(result.offending) == 50
    assert result.severity == "warning" and result.status == "failed"


@pytest.mark.parametrize("check_id", sorted(CHECKS))
def test_every_check_is_explained_in_the_readme(check_id):
    assert f"`{check_id}`" in (REPO / "README.md").read_text(encoding="utf-8")


def test_rows_where_keeps_the_rows_whose_mask_holds_and_skips_missing_ones():
    frame = pd.DataFrame({"sku": ["a", "b", "c"], "price": [1.0, -2.0, 3.0]}, index=[10, 11, 12])
    assert rows_where(frame, frame["price"] < 0).index.tolist() == [11]
    assert rows_where(frame, pd.Series([True, pd.NA, True], dtype="boolean", index=frame.index))["sku"].tolist() \
        == ["a", "c"]
    none = rows_where(frame, np.zeros(3, dtype=bool))
    assert none.empty and list(none.columns) == ["sku", "price"]
