"""End to end on the real exports: the reference figures, pinned once, and their stability across formats."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from bottleneck_core import run_pipeline
from conftest import REFERENCE_CONFIG, xlsx

PREMIUM_IDS = [4115, 4132, 4352, 4355, 4402, 4404, 4406, 4407, 4582, 4903, 4904, 5001, 5007, 5008, 5025,
               5565, 5612, 5767, 5892, 5916, 5917, 5918, 6126, 6201, 6202, 6212, 6213, 6214, 6215, 6216]
REFERENCE = {"erp_rows": 825, "liaison_rows": 825, "web_clean_rows": 1428, "web_dedup_rows": 714,
             "merged_rows": 714, "revenue_total": 70568.60, "premium_count": 30}


def test_the_seven_reference_figures_hold_on_the_real_exports(real_result):
    results = {c.id: c for c in real_result.checks}
    for check_id, expected in REFERENCE.items():
        assert results[check_id].status == "passed", results[check_id].message
        assert results[check_id].actual == pytest.approx(expected, abs=0.01)
    assert real_result.revenue_total == 70568.6 and real_result.checks_passed
    assert [c.id for c in real_result.checks if c.warning] == ["erp_price_not_negative", "erp_stock_not_negative",
                                                               "web_no_sku_sales", "web_sales_conflicts"]


def test_sales_on_web_rows_without_a_sku_are_warned_with_their_rows(real_result):
    check = next(c for c in real_result.checks if c.id == "web_no_sku_sales")
    assert check.warning and check.actual == 2 and check.offending["source_row"].tolist() == [355, 490]
    assert check.message.startswith("2 lignes WEB sans sku ont des ventes (13 ventes, hors du chiffre d'affaires).")
    removed = real_result.step("clean_web").removed
    assert len(removed) == 85 and (removed["total_sales"].fillna(0) > 0).sum() == 2  # the other 83 sold nothing


def test_the_thirty_premium_wines_are_the_known_ones(real_result):
    assert sorted(real_result.premium["product_id"].astype(int)) == PREMIUM_IDS


def test_figures_agree_with_a_plain_pandas_reading_of_the_files(real_frames, real_result):
    """An independent oracle: the analysis written the obvious way in pandas."""
    erp, liaison, web = (real_frames[k].copy() for k in ("erp", "liaison", "web"))
    key = lambda v: None if pd.isna(v) else str(int(v)) if isinstance(v, float) else str(v).strip()
    liaison["id_web"] = liaison["id_web"].map(key)
    web["sku"] = web["sku"].map(key)
    web = web.dropna(subset=["sku"]).sort_values("total_sales", ascending=False).drop_duplicates("sku")
    merged = erp.merge(liaison, on="product_id").merge(web, left_on="id_web", right_on="sku")
    z = (merged["price"] - merged["price"].mean()) / merged["price"].std(ddof=0)
    assert round((merged["price"] * merged["total_sales"]).sum(), 2) == real_result.revenue_total
    assert sorted(merged.loc[z > 2, "product_id"]) == sorted(real_result.premium["product_id"].astype(int))


def test_every_step_accounts_for_every_row_with_its_reason(real_result):
    assert [s.id for s in real_result.steps] == ["clean_erp", "clean_liaison", "clean_web", "dedup_web", "merge",
                                                 "revenue", "premium"]
    for step in real_result.steps:
        assert step.rows_in == step.rows_out + step.rows_removed, step.id
        assert step.removed["motif"].notna().all()


def test_negative_prices_and_stocks_are_warned_not_dropped(real_result):
    checks = {c.id: c for c in real_result.checks}
    assert sorted(checks["erp_price_not_negative"].offending["product_id"]) == ["5017", "6594"]
    assert sorted(checks["erp_stock_not_negative"].offending["product_id"]) == ["4973", "5700"]
    assert {"5017", "6594"} <= set(real_result.step("clean_erp").output["product_id"])


def _shuffled(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    columns = list(frame.columns)
    rng.shuffle(columns)
    return frame.sample(frac=1.0, random_state=seed)[columns]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_same_figures_from_csv_or_parquet_with_rows_and_columns_shuffled_and_padded_keys(real_frames, real_result,
                                                                                          fmt):
    files = []
    for i, frame in enumerate(real_frames.values()):
        frame = _shuffled(frame, seed=i)
        for column in ("product_id", "id_web", "sku"):
            if column in frame:
                frame[column] = frame[column].map(lambda v: None if pd.isna(v) else f" {v} ")
        buffer = io.BytesIO()
        if fmt == "csv":
            buffer.write(frame.to_csv(sep=";", decimal=",", index=False).encode("utf-8-sig"))
        else:
            frame.astype({c: "string" for c in frame.columns if frame[c].dtype == object}).to_parquet(buffer)
        files.append(buffer.getvalue())
    result = run_pipeline(*files, config=REFERENCE_CONFIG, period="2026-10")
    assert result.checks_passed and result.revenue_total == real_result.revenue_total
    assert sorted(result.premium["product_id"]) == sorted(real_result.premium["product_id"])
    repairs = next(c for c in result.checks if c.id == "values_repaired")
    assert repairs.status == "failed" and repairs.severity == "warning"  # the padded keys were repaired and said so


def edited_month(real_frames) -> list[bytes]:
    """Copies standing for another month: prices and sales changed, products added and removed."""
    erp, liaison, web = (real_frames[k].copy() for k in ("erp", "liaison", "web"))
    erp["price"] = (erp["price"] * 1.1).round(2)
    web["total_sales"] = web["total_sales"] + 1
    erp = pd.concat([erp.iloc[10:], pd.DataFrame({"product_id": [99001], "onsale_web": [1], "price": [19.9],
                                                  "stock_quantity": [4], "stock_status": ["instock"]})])
    liaison = pd.concat([liaison, pd.DataFrame({"product_id": [99001], "id_web": ["nouveau-vin"]})])
    web = pd.concat([web, pd.DataFrame({"sku": ["nouveau-vin"], "total_sales": [3.0], "post_title": ["Nouveau"],
                                        "post_type": ["product"]})])
    return [xlsx(frame) for frame in (erp, liaison, web)]


def test_another_month_runs_to_the_end_failing_only_reference_checks(real_frames):
    result = run_pipeline(*edited_month(real_frames), config=REFERENCE_CONFIG, period="2026-11")
    failed = {c.id for c in result.checks if c.blocking_failure}
    assert "revenue_total" in failed and "erp_rows" in failed and failed <= set(REFERENCE)
    assert not result.checks_passed
    revenue = next(c for c in result.checks if c.id == "revenue_total")
    assert revenue.expected == 70568.6 and revenue.actual != 70568.6


def test_without_reference_figures_the_reference_checks_are_skipped_and_the_invariants_still_run(real_paths):
    result = run_pipeline(*real_paths)
    statuses = {c.id: c.status for c in result.checks}
    assert all(statuses[i] == "skipped" for i in REFERENCE)
    assert statuses["erp_coverage"] == statuses["merged_not_empty"] == statuses["revenue_positive"] == "passed"
    assert result.checks_passed


@pytest.mark.parametrize("sales", [None, 0])
def test_the_real_month_with_its_sales_column_emptied_or_zeroed_is_blocked_not_a_0_euro_success(real_frames, sales):
    web = real_frames["web"].assign(total_sales=sales)
    result = run_pipeline(real_frames["erp"], real_frames["liaison"], web)  # another month: no reference figure
    assert result.revenue_total == 0.0 and not result.checks_passed
    assert "revenue_positive" in {c.id for c in result.checks if c.blocking_failure}


def test_a_product_with_two_prices_fails_a_check_with_its_rows():
    erp = pd.DataFrame({"product_id": [1, 1, 2], "price": [10.0, 12.0, 20.0], "stock_quantity": [1, 1, 1]})
    liaison = pd.DataFrame({"product_id": [1, 2], "id_web": [11, 12]})
    web = pd.DataFrame({"sku": [11, 12], "total_sales": [1.0, 2.0], "post_title": ["A", "B"]})
    result = run_pipeline(erp, liaison, web)
    check = next(c for c in result.checks if c.id == "erp_no_conflicting_duplicates")
    assert check.status == "failed" and check.severity == "error"
    assert check.offending["price"].tolist() == [10.0, 12.0] and not result.checks_passed


def test_the_pipeline_reads_as_its_steps_in_order():
    import inspect

    from bottleneck_core import pipeline

    source = inspect.getsource(pipeline.run_pipeline)
    calls = ["read_sources(", "clean_erp(", "clean_liaison(", "clean_web(", "dedup_web(", "merge_sources(",
             "add_revenue(", "score_prices(", "split_premium(", "checked("]
    positions = [source.index(call) for call in calls]
    assert positions == sorted(positions)
    assert "Thread" not in inspect.getsource(pipeline)
