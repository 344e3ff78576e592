"""The app through AppTest: every page with the real exports and with the sample, bad uploads, the slider."""
from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from conftest import REPO

PAGES = ["pages/etapes.py", "pages/chiffre_affaires.py", "pages/premium.py", "pages/telechargements.py"]
REFERENCE_IDS = ["erp_rows", "liaison_rows", "web_clean_rows", "web_dedup_rows", "merged_rows", "revenue_total",
                 "premium_count"]


def new_app() -> AppTest:
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    app.run()
    assert not app.exception
    return app


def upload(app: AppTest, *paths) -> AppTest:
    files = [(p.name, p.read_bytes(), "application/octet-stream") for p in paths]
    app.file_uploader(key="uploader").set_value(files).run()
    return app


@pytest.fixture
def real_app(real_paths) -> AppTest:
    return upload(new_app(), *real_paths)


def config_uploader(app: AppTest):
    return next(u for u in app.file_uploader if u.label.startswith("Configuration"))


def errors(app: AppTest) -> list[str]:
    """The error messages as users read them (the app escapes Markdown in them)."""
    return [re.sub(r"\\(.)", r"\1", e.value) for e in app.error]


def texts(app: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "success", "error", "info", "warning", "caption", "text")
             for e in app.get(kind) if isinstance(getattr(e, "value", None), str)]
    parts += [m.value for m in app.metric] + [m.label for m in app.metric]
    return "\n".join(parts)


def test_start_page_recognises_the_three_real_exports(real_app):
    assert not real_app.exception and not real_app.error
    shown = [t.value for t in real_app.text]
    assert shown == ["erp.xlsx", "825", "5", "liaison.xlsx", "825", "2", "web.xlsx", "1 513", "28"]
    assert [s.value for s in real_app.selectbox if s.key and s.key.startswith("kind::")] == ["erp", "liaison", "web"]
    assert "Tous les contrôles bloquants sont réussis (7 / 7" in real_app.success[0].value


def test_steps_page_shows_every_step_and_the_reference_checks_passed(real_app):
    real_app.switch_page("pages/etapes.py").run()
    assert not real_app.exception
    page = texts(real_app)
    for check_id in REFERENCE_IDS:
        assert f"`{check_id}`" in page
    assert page.count(":green-badge[") >= 7 + 20
    assert ":orange-badge[" in page  # the three real warnings look different from errors
    assert ":red-badge[" not in page
    metrics = [m.value for m in real_app.metric]
    assert metrics[:3] == ["825", "825", "0"] and "1 513" in metrics and "111" in metrics


def test_revenue_page_shows_the_total_in_french_and_three_charts(real_app):
    real_app.switch_page("pages/chiffre_affaires.py").run()
    assert not real_app.exception
    assert real_app.metric[0].value == "70 568,60 €"
    assert len(real_app.get("plotly_chart")) == 3
    real_app.text_input[0].input("Champagne").run()
    assert "27 produits affichés" in texts(real_app)  # the Champagnes only


def test_premium_slider_changes_the_count_without_rereading(real_app, monkeypatch):
    real_app.switch_page("pages/premium.py").run()
    assert "**30 vins premium** sur 714" in texts(real_app)
    assert "88,08 €" in texts(real_app)
    assert [m.value for m in real_app.metric] == ["49 vins", "30 vins", "25 vins", "14 vins"]
    import bottleneck_core.reading as reading

    monkeypatch.setattr(reading, "read_cells", lambda *a, **k: pytest.fail("a slider move re-read a file"))
    slider = real_app.select_slider(key="threshold_slider")
    assert slider.value == 2.0 and {"0,50", "1,50", "2,00", "4,00"} <= set(slider.options)  # read the French way
    slider.set_value(1.5).run()
    assert not real_app.exception
    assert "**49 vins premium** sur 714" in texts(real_app)
    real_app.switch_page("pages/telechargements.py").run()
    assert "seuil de z-score 1,50" in texts(real_app)


def test_downloads_page_offers_every_deliverable_named_after_the_month(real_app):
    real_app.switch_page("pages/telechargements.py").run()
    assert not real_app.exception
    labels = [b.label for b in real_app.get("download_button")]
    period = real_app.session_state["result"].period
    for name in ("rapport_ca", "vins_premium", "vins_ordinaires", "produits_fusionnes", "summary", "checks",
                 "bottleneck"):
        assert any(f"{name}_{period}." in label for label in labels), name


def test_sample_button_fills_every_page_on_a_fresh_session():
    app = new_app()
    app.button[0].click().run()
    assert not app.exception and "données d'exemple" in app.info[0].value
    assert "7 / 7" in app.success[0].value
    for page in PAGES:
        app.switch_page(page).run()
        assert not app.exception, page
        assert "Aucune analyse" not in texts(app), page
    app.switch_page("pages/chiffre_affaires.py").run()
    assert app.metric[0].value.endswith(" €") and len(app.get("plotly_chart")) == 3


@pytest.mark.parametrize("page", PAGES)
def test_result_pages_before_any_data_point_to_the_start_page(page):
    app = new_app()
    app.switch_page(page).run()
    assert not app.exception
    assert "Aucune analyse pour l'instant" in app.info[0].value


def test_a_wrong_or_broken_upload_shows_a_french_error_and_keeps_the_others(real_paths, tmp_path):
    erp, liaison, web = real_paths
    app = upload(new_app(), erp, liaison)
    fake = tmp_path / "erp_novembre.xlsx"
    fake.write_text("ceci n'est pas un classeur")
    upload(app, fake)
    assert not app.exception
    assert any("erp_novembre.xlsx" in e and "n'est ni un classeur Excel" in e for e in errors(app))
    assert set(app.session_state["uploads"]) == {"erp.xlsx", "liaison.xlsx"}
    assert "Il manque : WEB" in app.info[0].value


def test_forcing_the_web_export_into_the_erp_slot_says_what_it_looks_like(real_paths):
    erp, liaison, web = real_paths
    app = upload(new_app(), erp, liaison, web)
    app.selectbox(key="kind::web.xlsx").set_value("erp").run()
    app.selectbox(key="kind::erp.xlsx").set_value("web").run()
    assert not app.exception
    assert any("ressemble à l'export WEB" in e for e in errors(app))


def test_the_kestra_config_of_migrating_users_is_accepted(real_app, real_data):
    path = real_data / "test_config_kestra.yaml"
    config_uploader(real_app).set_value((path.name, path.read_bytes(), "text/yaml")).run()
    assert not real_app.exception and not real_app.error
    assert "format Kestra" in texts(real_app)
    assert "7 / 7" in real_app.success[0].value


def test_a_hostile_config_is_refused_in_french(real_app):
    bad = b"!!python/object/apply:os.system ['touch /tmp/pwned']\n"
    config_uploader(real_app).set_value(("config.yaml", bad, "text/yaml")).run()
    assert not real_app.exception
    assert any("balise non autorisée" in e for e in errors(real_app))


@pytest.mark.parametrize("case_id", ["range_bomb", "zip_bomb", "password_protected", "truncated_xlsx",
                                     "billion_laughs", "random_bytes_xlsx"])
def test_a_hostile_upload_is_refused_and_the_app_keeps_serving(case_id, real_paths, tmp_path):
    from test_bad_input import UNUSABLE

    case = next(c for c in UNUSABLE if c.id == case_id)
    app = upload(new_app(), real_paths[1], real_paths[2])
    hostile = tmp_path / f"hostile_{case.name}"
    hostile.write_bytes(case.build())
    upload(app, hostile)
    assert not app.exception
    shown = errors(app)
    assert any(hostile.name in e and case.message[-1] in e for e in shown), shown
    assert set(app.session_state["uploads"]) == {"liaison.xlsx", "web.xlsx"}
    other_session = new_app()  # the same process still serves everyone else
    other_session.button[0].click().run()
    assert not other_session.exception and "7 / 7" in other_session.success[0].value


def test_history_page_shows_the_trend_and_compares_two_stored_months(real_app, real_result, tmp_path, monkeypatch):
    from dataclasses import replace

    from bottleneck_core.history import record_run

    db = tmp_path / "historique.duckdb"
    monkeypatch.setenv("BOTTLENECK_HISTORY", str(db))
    record_run(replace(real_result, period="2026-08"), db)
    record_run(replace(real_result.with_threshold(1.5), period="2026-09"), db)
    real_app.switch_page("pages/historique.py").run()
    assert not real_app.exception
    assert len(real_app.get("plotly_chart")) == 2
    assert [m.value for m in real_app.metric][1:3] == ["19", "0"]  # z 2 -> 1.5: 19 wines enter premium
    real_app.button[0].click().run()  # save the session's own analysis
    assert not real_app.exception
    assert "enregistrée dans l'historique" in real_app.success[0].value
    assert len(real_app.selectbox) >= 2


def test_the_zip_holds_every_deliverable_the_config_used_and_the_sources_trace(real_app):
    import io
    import json
    import zipfile

    import yaml

    real_app.switch_page("pages/telechargements.py").run()
    from pages._common import deliverables

    result = real_app.session_state["result"]
    archive = next(data for name, data in deliverables(result).items() if name.endswith(".zip"))
    bundle = zipfile.ZipFile(io.BytesIO(archive))
    period = result.period
    assert {f"rapport_ca_{period}.xlsx", f"summary_{period}.json", f"configuration_{period}.yaml",
            f"manifest_{period}.json", f"produits_fusionnes_{period}.parquet"} <= set(bundle.namelist())
    manifest = json.loads(bundle.read(f"manifest_{period}.json"))
    assert {s["name"]: s["sha256"] for s in manifest["sources"]} == \
        {t.name: t.sha256 for t in result.sources.values()}
    config = yaml.safe_load(bundle.read(f"configuration_{period}.yaml"))
    assert config["checks"]["revenue_total"]["expected"] == 70568.6


def test_an_uploaded_config_can_be_dropped_for_the_default(real_app, tmp_path):
    config_uploader(real_app).set_value(("seuil.yaml", b"zscore_threshold: 1.5\n", "text/yaml")).run()
    assert "configuration : seuil\\.yaml" in texts(real_app)
    assert real_app.session_state["result"].threshold == 1.5
    assert "aucun chiffre de référence" in real_app.success[0].value
    next(b for b in real_app.button if "Revenir" in b.label).click().run()
    assert not real_app.exception
    assert real_app.session_state["result"].threshold == 2.0


def test_each_upload_is_read_once(real_paths, monkeypatch):
    # Identifying a file reads it; the analysis starts from that reading instead of parsing the file again.
    import streamlit as st

    from bottleneck_core import reading

    st.cache_resource.clear()
    st.cache_data.clear()
    seen = []
    read = reading.read_cells
    monkeypatch.setattr(reading, "read_cells", lambda raw: seen.append(raw.name) or read(raw))
    app = upload(new_app(), *real_paths)
    assert "Tous les contrôles bloquants sont réussis (7 / 7" in app.success[0].value
    assert sorted(seen) == ["erp.xlsx", "liaison.xlsx", "web.xlsx"]


def test_history_chart_tells_failed_checks_with_french_plurals():
    import pandas as pd

    from pages._charts import monthly_checks

    bar = monthly_checks(pd.DataFrame({"period": ["2026-10", "2026-11"], "checks_failed": [1, 2]})).data[0]
    assert list(bar.customdata) == ["1 contrôle bloquant en échec", "2 contrôles bloquants en échec"]


def test_euro_axes_group_thousands_the_french_way(real_result):
    from pages._charts import monthly_lines, revenue_histogram, top_revenue_bars
    from bottleneck_core.revenue import top_products

    import pandas as pd

    runs = pd.DataFrame({"period": ["2026-10", "2026-11"], "revenue_total": [70568.6, 71000.0],
                         "premium_count": [30, 31]})
    for axis in (top_revenue_bars(top_products(real_result.products)).layout.xaxis,
                 revenue_histogram(real_result.products).layout.xaxis, monthly_lines(runs).layout.yaxis):
        assert axis.tickformat == ",~f"  # with separators ", ": 2 000, 2 500,5
    assert top_revenue_bars(top_products(real_result.products)).layout.separators == ", "


def test_removed_rows_tables_show_numbers_localised_and_row_numbers_as_in_excel(real_result):
    from pages._common import number_columns

    removed = real_result.step("dedup_web").removed
    config = number_columns(removed)
    assert set(config) == {"total_sales", "source_row"}
    assert config["total_sales"]["type_config"]["format"] == "localized"
    assert config["source_row"]["type_config"]["format"] == "plain"
    rows = [{"Source": "WEB", "Lignes lues": 1513, "Colonnes": 28}]
    assert set(number_columns(rows)) == {"Lignes lues", "Colonnes"}
