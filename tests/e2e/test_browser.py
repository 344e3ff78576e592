"""The whole product in a real browser: upload, checks, charts, downloads, slider, errors, sample."""
from __future__ import annotations

import json
import re
import zipfile

import openpyxl
import pandas as pd
import pytest

from .conftest import ARTIFACTS

pytestmark = pytest.mark.e2e

PAGES = {"etapes": "Étapes et contrôles", "chiffre-affaires": "Chiffre d'affaires", "premium": "Vins premium",
         "telechargements": "Téléchargements"}
REFERENCE_IDS = ["erp_rows", "liaison_rows", "web_clean_rows", "web_dedup_rows", "merged_rows", "revenue_total",
                 "premium_count"]


def go_to(page, slug: str) -> None:
    page.locator(f'[data-testid="stSidebarNav"] a[href$="/{slug}"]').click()
    page.get_by_role("heading", name=PAGES[slug]).first.wait_for()
    wait_idle(page)


def wait_idle(page) -> None:
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=60_000)


def no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def charts_rendered(page, count: int) -> None:
    charts = page.locator('[data-testid="stPlotlyChart"] .main-svg')
    charts.nth(count * 2 - 1 if count else 0).wait_for()
    assert page.locator('[data-testid="stPlotlyChart"]').count() == count
    no_exception(page)


def upload_real(page, real_paths) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files([str(p) for p in real_paths])
    page.get_by_text("Tous les contrôles bloquants sont réussis").wait_for()
    wait_idle(page)


def shot(page, name: str) -> None:
    page.wait_for_timeout(1500)  # tables and metrics draw lazily after the script has finished
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_real_exports_end_to_end(page, real_paths, tmp_path):
    upload_real(page, real_paths)
    assert page.get_by_text("7 / 7 contrôles de référence réussis").count() == 1
    shot(page, "donnees")

    go_to(page, "etapes")
    for check_id in REFERENCE_IDS:  # each reference check's row carries a "réussi" badge
        code = page.locator("code", has_text=re.compile(f"^{check_id}$"))
        row = page.locator('[data-testid="stHorizontalBlock"]', has=code).last
        assert row.locator(".stMarkdownBadge").inner_text().strip().endswith("réussi"), check_id
    assert page.locator(".stMarkdownBadge", has_text="échec").count() == 0
    no_exception(page)
    shot(page, "etapes")

    go_to(page, "chiffre-affaires")
    charts_rendered(page, 3)
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text() == "70 568,60 €"
    shot(page, "chiffre_affaires")

    go_to(page, "premium")
    charts_rendered(page, 1)
    assert page.get_by_text("30 vins premium").count() == 1
    shot(page, "premium")

    go_to(page, "telechargements")
    downloads = page.get_by_role("button", name=re.compile("^(download)?\\s*Télécharger"))
    downloads.first.wait_for()
    assert downloads.count() == 7
    received = {}
    for i in range(downloads.count()):
        with page.expect_download() as info:
            downloads.nth(i).click()
        name = info.value.suggested_filename
        received[name] = (tmp_path / name)
        info.value.save_as(received[name])
    no_exception(page)
    shot(page, "telechargements")
    report = next(p for n, p in received.items() if n.startswith("rapport_ca_"))
    synthesis = {r[0]: r[1] for r in openpyxl.load_workbook(report)["Synthèse"].iter_rows(values_only=True)}
    assert synthesis["Chiffre d'affaires total (€)"] == 70568.6
    def received_file(prefix: str):
        return next(p for n, p in received.items() if n.startswith(prefix))

    assert len(pd.read_csv(received_file("vins_premium_"), sep=";", decimal=",", encoding="utf-8-sig")) == 30
    assert len(pd.read_csv(received_file("vins_ordinaires_"), sep=";", decimal=",", encoding="utf-8-sig")) == 684
    assert len(pd.read_parquet(received_file("produits_fusionnes_"))) == 714
    assert json.loads(received_file("summary_").read_text())["premium_count"] == 30
    assert len(json.loads(received_file("checks_").read_text())) > 7
    with zipfile.ZipFile(received_file("bottleneck_")) as bundle:
        assert any(name.startswith("manifest_") for name in bundle.namelist())
    # The download did not rerun the analysis nor lose the page.
    assert page.get_by_role("heading", name="Téléchargements").count() == 1

    go_to(page, "premium")
    slider = page.get_by_role("slider").first
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    page.get_by_text("49 vins premium").wait_for()
    wait_idle(page)
    assert page.get_by_text("30 vins premium").count() == 0


def test_bad_uploads_show_french_errors_and_keep_the_earlier_state(page, real_paths, tmp_path):
    upload_real(page, real_paths)
    fake = tmp_path / "erp_novembre.xlsx"
    fake.write_text("ceci est un texte, pas un classeur")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(fake))
    page.get_by_text("n'est ni un classeur Excel").wait_for()
    assert page.get_by_text("Tous les contrôles bloquants sont réussis").count() == 1  # earlier result kept
    no_exception(page)

    # The WEB export where the ERP is expected.
    page.get_by_role("combobox", name="Source de web.xlsx").click()
    page.get_by_role("option", name="ERP").click()
    wait_idle(page)
    page.get_by_role("combobox", name="Source de erp.xlsx").click()
    page.get_by_role("option", name="WEB").click()
    page.get_by_text("ressemble à l'export WEB").first.wait_for()
    no_exception(page)
    shot(page, "erreur")


def test_a_range_bomb_upload_leaves_the_app_serving_other_sessions(page, browser, app_url, tmp_path):
    from test_bad_input import range_bomb

    bomb = tmp_path / "erp_bombe.xlsx"
    bomb.write_bytes(range_bomb("XFD1048576"))
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(bomb))
    page.get_by_text("plage utilisée de 1048576 lignes").wait_for()
    no_exception(page)
    other = browser.new_context(locale="fr-FR").new_page()
    other.goto(app_url)
    other.get_by_role("button", name="Utiliser les données d'exemple").click()
    other.get_by_text("Tous les contrôles bloquants sont réussis").wait_for()
    other.context.close()


def test_sample_fills_every_page_on_a_fresh_session(page):
    page.get_by_role("button", name="Utiliser les données d'exemple").click()
    page.get_by_text("Tous les contrôles bloquants sont réussis").wait_for()
    for slug, charts in (("etapes", 0), ("chiffre-affaires", 3), ("premium", 1), ("telechargements", 0)):
        go_to(page, slug)
        assert page.get_by_text("Aucune analyse pour l'instant").count() == 0, slug
        if charts:
            charts_rendered(page, charts)
        no_exception(page)
