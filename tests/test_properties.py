"""Properties that hold for any month, on generated frames: nothing lost, totals add up, order and key
spelling do not matter, exports read back to the same values."""
from __future__ import annotations

import io

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bottleneck_core import deliverables, run_pipeline
from bottleneck_core.outputs.extracts import FORMULA_PREFIXES
from bottleneck_core.outputs.tables import summary

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

risky_text = st.one_of(
    st.text(min_size=1, max_size=20),
    st.builds(lambda p, t: p + t, st.sampled_from(["=", "+", "-", "@", "\t", "\r", "\n", "=cmd|' /C calc'!A0"]),
              st.text(max_size=10)),
    st.text(alphabet=st.characters(min_codepoint=1, max_codepoint=31), min_size=1, max_size=5),
)


@st.composite
def months(draw):
    """Three exports whose keys may be written as int, float or padded text, with missing keys and duplicates."""
    n = draw(st.integers(min_value=1, max_value=25))
    ids = list(range(1000, 1000 + n))
    prices = draw(st.lists(st.floats(min_value=-20, max_value=500, allow_nan=False).map(lambda x: round(x, 2)),
                           min_size=n, max_size=n))
    erp = pd.DataFrame({"product_id": ids, "price": prices,
                        "stock_quantity": draw(st.lists(st.integers(-2, 50), min_size=n, max_size=n))})
    linked = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    liaison = pd.DataFrame({"product_id": ids, "id_web": [5000 + i if ok else None for i, ok in enumerate(linked)]})
    rows = []
    for i, ok in enumerate(linked):
        if ok and draw(st.booleans()):
            sales = float(draw(st.integers(0, 40)))
            title = draw(risky_text)
            rows.append({"sku": 5000 + i, "total_sales": sales, "post_title": title, "post_type": "product"})
            rows.append({"sku": 5000 + i, "total_sales": float(draw(st.integers(0, 40))) if draw(st.booleans())
                         else sales, "post_title": title, "post_type": "attachment"})
    rows += [{"sku": None, "total_sales": None, "post_title": None, "post_type": None}] * draw(st.integers(0, 3))
    web = pd.DataFrame(rows or [{"sku": 999999, "total_sales": 1.0, "post_title": "seul", "post_type": "product"}])
    return erp, liaison, web


def respell(keys: pd.Series, style: int) -> pd.Series:
    """The same keys written as int, float or padded text."""
    spellings = [lambda k: k, lambda k: float(k), lambda k: f" {k} ", lambda k: f"{k}.0"]
    return keys.map(lambda k: None if pd.isna(k) else spellings[style](int(k))).astype(object)


@SETTINGS
@given(months())
def test_every_step_accounts_for_every_row_and_totals_add_up(month):
    result = run_pipeline(*month)
    for step in result.steps:
        assert step.rows_in == step.rows_out + step.rows_removed, step.id
    assert round(result.products["revenue"].sum(), 2) == result.revenue_total
    assert len(result.premium) + len(result.ordinary) == summary(result)["rows"]["merged"]
    statuses = {c.id: c.status for c in result.checks}
    assert all(statuses[i] in ("passed", "not_computable") for i in
               ("revenue_adds_up", "premium_split_complete", "premium_above_threshold", "no_null_keys"))


@SETTINGS
@given(months(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_row_order(month, rng):
    shuffled = [frame.sample(frac=1.0, random_state=rng.randint(0, 10_000)) for frame in month]
    a, b = run_pipeline(*month), run_pipeline(*shuffled)
    assert figures(a) == figures(b)
    assert sorted(a.premium["product_id"]) == sorted(b.premium["product_id"])
    assert (a.products.set_index("product_id")["revenue"].sort_index()
            .equals(b.products.set_index("product_id")["revenue"].sort_index()))


@SETTINGS
@given(months(), st.integers(0, 3), st.integers(0, 3))
def test_keys_join_alike_however_they_are_written(month, liaison_style, web_style):
    erp, liaison, web = month
    respelled = (erp, liaison.assign(id_web=respell(liaison["id_web"], liaison_style)),
                 web.assign(sku=respell(web["sku"], web_style)))
    assert figures(run_pipeline(*month)) == figures(run_pipeline(*respelled))  # repaired spellings are warned


def figures(result) -> dict:
    """What the month says, beside how its files were written (statistics to 9 digits: summing prices in another
    order moves their last bit)."""
    return {k: round(v, 9) if isinstance(v, float) else v for k, v in summary(result).items()
            if k not in ("warnings", "sources")}


def unneutralise(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES) else text


@SETTINGS
@given(months())
def test_every_export_reads_back_to_the_same_values(month):
    result = run_pipeline(*month)
    files = deliverables(result)
    back = pd.concat([pd.read_csv(io.BytesIO(files[name]), sep=";", decimal=",", encoding="utf-8-sig",
                                  dtype={"Identifiant produit": str, "SKU": str, "Vin": str}, keep_default_na=False)
                      for name in ("vins_premium.csv", "vins_ordinaires.csv")])
    expected = result.products.set_index("product_id")
    assert sorted(back["Identifiant produit"]) == sorted(expected.index)
    for row in back.itertuples(index=False):
        product = expected.loc[row[0]]
        assert unneutralise(row[2]) == (product["name"] if isinstance(product["name"], str) else "")
        assert row[3] == product["price"]
    book = openpyxl.load_workbook(io.BytesIO(files["rapport_ca.xlsx"]))
    sheet = book["CA par produit"]
    names = {r[0]: r[2] for r in sheet.iter_rows(min_row=2, values_only=True)}
    for product_id, product in expected.iterrows():
        assert (names[product_id] or "") == (product["name"] if isinstance(product["name"], str) else "")
