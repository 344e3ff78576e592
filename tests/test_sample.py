"""The embedded sample: reproducible, with the real traps, and its own figures found by the pipeline."""
from __future__ import annotations

import pytest

from bottleneck_core import run_pipeline
from bottleneck_core.sample import generate


def test_same_seed_same_data_other_seed_other_data():
    a, b, c = generate(1), generate(1), generate(2)
    assert a.web.equals(b.web) and not a.web.equals(c.web)


def test_sample_holds_the_traps_of_the_real_exports():
    sample = generate()
    assert sample.web["sku"].isna().any()
    assert sample.liaison["id_web"].isna().any()
    assert (sample.erp["price"] < 0).sum() == 2 and (sample.erp["stock_quantity"] < 0).sum() == 2
    assert {"product", "attachment"} <= set(sample.web["post_type"].dropna())
    assert any(isinstance(k, str) and not k.isdigit() for k in sample.web["sku"].dropna())
    assert any(isinstance(k, float) for k in sample.liaison["id_web"].dropna())


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "parquet"])
def test_pipeline_finds_the_figures_the_sample_was_built_with(fmt):
    sample = generate(seed=5)
    files = sample.files(fmt)
    result = run_pipeline(files[f"erp.{fmt}"], files[f"liaison.{fmt}"], files[f"web.{fmt}"], sample.config)
    reference = [c for c in result.checks if c.id in sample.config.expectations]
    assert len(reference) == 7 and all(c.status == "passed" for c in reference), [c.message for c in reference]
    conflicts = next(c for c in result.checks if c.id == "web_sales_conflicts")
    assert conflicts.offending_count == 6
