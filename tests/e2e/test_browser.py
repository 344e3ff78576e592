"""The product in a real browser: one source of truth for the month's files, no figure from other inputs, the threshold
as a labelled simulation, the wine's page, column mapping, downloads, and every page in French at 1400 and 800 px."""
from __future__ import annotations

import hashlib
import json
import re
import zipfile
from datetime import date

import openpyxl
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bottleneck_core.formatting import month_label, recent_periods

from .conftest import ARTIFACTS, open_app

pytestmark = pytest.mark.e2e

SLUGS = {"donnees": "Données du mois", "etapes": "Étapes et contrôles", "chiffre-affaires": "Chiffre d'affaires",
         "premium": "Vins premium", "vin": "Fiche d'un vin", "telechargements": "Téléchargements",
         "historique": "Historique"}
NAV = {"donnees": "Données", "etapes": "Étapes", "chiffre-affaires": "Chiffre d'affaires", "premium": "Premium",
       "vin": "Fiche vin", "telechargements": "Téléchargements", "historique": "Historique"}  # the links' short names
PASSED = "Tous les contrôles bloquants sont réussis"
# Text shown whole: neither the element nor any inside it cuts its content (an ellipsis is drawn by an inner div).
WHOLE = "e => [e, ...e.querySelectorAll('*')].every(x => x.scrollWidth <= x.clientWidth + 1)"


def wait_idle(page) -> None:
    """Until the page's script has finished (the app says so on its root), not only until the status widget,
    which a quick run never shows, is gone."""
    page.wait_for_timeout(250)
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=60_000)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=60_000)


def go_to(page, slug: str) -> None:
    page.locator('[data-testid="stTopNavLink"]', has_text=NAV[slug]).click()
    page.get_by_role("heading", name=SLUGS[slug]).first.wait_for()
    wait_idle(page)


def drop(page, *paths) -> None:
    """Drop files on the start page and wait until each is listed among the month's files."""
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files([str(p) for p in paths])
    for path in paths:
        page.locator(f".st-key-remove--{re.sub(r'[^A-Za-z0-9_-]', '-', path.name)}").first.wait_for()
    wait_idle(page)


def upload_real(page, real_paths) -> None:
    drop(page, *real_paths)
    page.get_by_text(PASSED).first.wait_for()
    wait_idle(page)


def no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def key(page, widget_key: str):
    return page.locator(f".st-key-{re.sub(r'[^A-Za-z0-9_-]', '-', widget_key)}")


def choose(page, widget_key: str, option: str) -> None:
    """Pick an option of a select box the way a user types it: its name, then the option (tried again when the list
    closed under a rerun)."""
    box = key(page, widget_key).get_by_role("combobox").first
    box.wait_for()
    for attempt in range(3):
        box.click()
        box.fill(option)
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=5_000)
            break
        except Exception:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
            page.wait_for_timeout(500)
    wait_idle(page)


def grids_received(page) -> list:
    """Every data grid the browser was sent (its settings, such as what it draws for a missing value)."""
    grids = []
    for frame in page.received:
        if isinstance(frame, bytes):
            message = ForwardMsg.FromString(frame)
            if message.HasField("delta") and message.delta.new_element.WhichOneof("type") == "dataframe":
                grids.append(message.delta.new_element.dataframe)
    return grids


def tables_received(page) -> list[pd.DataFrame]:
    """Every table the browser received, as it draws it (the text of each cell; the grid draws on a canvas)."""
    tables = []
    for frame in page.received:
        if not isinstance(frame, bytes):
            continue
        message = ForwardMsg.FromString(frame)
        grid = message.delta.new_element.dataframe
        if message.HasField("delta") and grid.arrow_data.styler.display_values:
            tables.append(pa.ipc.open_stream(grid.arrow_data.styler.display_values).read_all().to_pandas())
    return tables


def active_choice(page, widget_key: str) -> list[str]:
    """The highlighted options of a segmented control."""
    return key(page, widget_key).locator('button[aria-checked="true"]').all_inner_texts()


def click_button(page, label: str) -> None:
    page.get_by_role("button", name=re.compile(re.escape(label))).first.click()
    wait_idle(page)


def shot(page, name: str) -> None:
    page.wait_for_timeout(800)  # tables and charts draw after the script has finished
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_bookmarked_page_opened_first_after_a_restart_is_the_app_in_french(browser, app_url):
    """The server's very first request straight to a page (a bookmark, after a restart): the app's own pages, not
    Streamlit's automatic list of the page folder's files running a page without the app."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1100})
    try:
        tab = context.new_page()
        tab.goto(f"{app_url}/historique")
        tab.get_by_role("heading", name="Historique").first.wait_for(timeout=60_000)
        wait_idle(tab)
        nav = tab.locator('[data-testid="stTopNav"]').inner_text()
        assert "Données" in nav and "Étapes" in nav and "charts" not in nav, nav
        no_exception(tab)
        assert "This app has encountered an error" not in main_text(tab)
        assert tab.get_by_text("Page not found").count() == 0
    finally:
        context.close()


def test_the_bin_removes_a_file_and_every_figure_of_the_analysis(page, real_paths):
    upload_real(page, real_paths)
    key(page, "remove::erp.xlsx").locator("button").first.click()
    wait_idle(page)
    text = main_text(page)
    assert "erp.xlsx" not in text and "Il manque : ERP." in text and PASSED not in text
    assert page.locator('[data-testid="stFileUploaderFile"]').count() == 0  # no chip left behind by the drop zone
    go_to(page, "chiffre-affaires")
    assert "70 568,60 €" not in main_text(page) and "Aucune analyse n'est affichée" in main_text(page)


def test_a_file_recognised_as_an_export_already_there_is_announced_and_reassignable(page, real_paths, tmp_path):
    erp, liaison, web = real_paths
    copy = tmp_path / "erp_mauvais.xlsx"
    copy.write_bytes(web.read_bytes())
    drop(page, copy, liaison, web)
    text = main_text(page)
    assert "erp_mauvais.xlsx" in text and "web.xlsx" in text and "liaison.xlsx" in text
    assert "Plusieurs fichiers comptent comme WEB : erp_mauvais.xlsx et web.xlsx" in text
    choose(page, "kind::erp_mauvais.xlsx", "ERP")
    page.get_by_text("ressemble à l'export WEB").first.wait_for()
    assert PASSED not in main_text(page)
    no_exception(page)


def test_a_wrong_assignment_after_a_good_analysis_leaves_no_stale_figure(page, real_paths):
    upload_real(page, real_paths)
    choose(page, "kind::web.xlsx", "ERP")
    text = main_text(page)
    assert PASSED not in text and "Plusieurs fichiers comptent comme ERP" in text
    go_to(page, "chiffre-affaires")
    assert "70 568,60 €" not in main_text(page)
    no_exception(page)


def test_dropping_files_again_brings_the_month_back_from_the_sample(page, real_paths):
    upload_real(page, real_paths)
    click_button(page, "Utiliser les données d'exemple")
    page.get_by_text("données d'exemple ·").first.wait_for()
    drop(page, *real_paths)  # the same three exports again
    page.get_by_text("erp.xlsx, liaison.xlsx, web.xlsx ·").first.wait_for()
    assert "données d'exemple ·" not in main_text(page)


def test_every_page_of_a_failed_month_says_so_beside_its_figures(page, real_paths, real_frames, tmp_path):
    # A WEB export cut short: only « Données » and « Étapes » said the month failed; the revenue, premium and
    # download pages showed its figures as any other month's.
    cut = tmp_path / "web.xlsx"
    real_frames["web"].head(200).to_excel(cut, index=False)
    drop(page, real_paths[0], real_paths[1], cut)
    failed = re.compile(r"\d+ contrôles? bloquants? en échec")
    page.get_by_text(failed).first.wait_for()
    for slug in ("chiffre-affaires", "premium", "vin", "telechargements", "historique"):
        go_to(page, slug)
        header = page.locator('[data-testid="stMarkdownContainer"]', has_text="web.xlsx ·").first
        assert failed.search(header.inner_text()), slug
        assert page.get_by_role("link", name="Voir les contrôles").count() == 1, slug
    page.get_by_role("link", name="Voir les contrôles").click()
    page.get_by_role("heading", name=SLUGS["etapes"]).first.wait_for()
    no_exception(page)


def test_the_sample_is_marked_as_such_on_every_page(page):
    click_button(page, "Utiliser les données d'exemple")
    page.get_by_text("données d'exemple ·").first.wait_for()
    wait_idle(page)
    for slug in ("chiffre-affaires", "premium"):
        go_to(page, slug)
        badge = page.locator('[data-testid="stMarkdownContainer"]', has_text="données d'exemple ·").first
        assert "Données d'exemple" in badge.inner_text(), slug


def move_slider_to(page, steps_left: int) -> None:
    slider = page.get_by_role("slider").first
    slider.focus()
    for _ in range(steps_left):
        page.keyboard.press("ArrowLeft")
    wait_idle(page)


def test_a_simulated_threshold_never_reaches_the_history(page, real_paths):
    upload_real(page, real_paths)
    go_to(page, "premium")
    move_slider_to(page, 5)  # 2,00 -> 1,50
    page.get_by_text("49 vins premium").first.wait_for()
    go_to(page, "historique")
    assert "seuil simulé 1,50" in main_text(page)
    assert "Le seuil simulé (1,50) n'est jamais enregistré" in main_text(page)  # not only in the tooltip
    click_button(page, "Enregistrer l'analyse")
    page.get_by_text("enregistrée dans l'historique").first.wait_for()
    click_button(page, "Revenir au seuil de la configuration")
    click_button(page, "Enregistrer l'analyse")  # the same analysis of record, at the configuration's threshold
    page.get_by_text("déjà été analysés à l'identique").first.wait_for()
    text = main_text(page)
    assert "Vins entrés en premium" not in text and "(configuration)" in text


def test_every_banner_agrees_at_a_simulated_threshold(page, real_paths):
    upload_real(page, real_paths)
    go_to(page, "premium")
    move_slider_to(page, 5)
    page.get_by_text("49 vins premium").first.wait_for()
    for slug in ("etapes", "donnees"):
        go_to(page, slug)
        text = main_text(page)
        assert "6 / 6 contrôles de référence réussis, 1 ignoré (seuil simulé)" in text, slug
        assert "contrôle bloquant en échec" not in text and "seuil simulé 1,50" in text, slug


def test_the_sample_is_never_saved_as_a_month(page):
    click_button(page, "Utiliser les données d'exemple")
    page.get_by_text(PASSED).first.wait_for()
    go_to(page, "etapes")  # its checks expect the sample's own figures, and the header says so
    assert "configuration des données d'exemple (leurs propres chiffres attendus)" in main_text(page)
    assert "config/test_config.yaml" not in main_text(page)
    go_to(page, "historique")
    assert page.get_by_role("button", name=re.compile("Enregistrer")).count() == 0
    assert "Les données d'exemple ne sont jamais enregistrées" in main_text(page)


def test_the_wine_page_opens_from_the_premium_list_with_the_figures_of_the_real_exports(page, real_paths, real_result):
    upload_real(page, real_paths)
    go_to(page, "premium")
    page.get_by_text("Filtrer et trier").first.click()
    choose(page, "premium_sort", "Prix")
    page.get_by_role("heading", name="Vins premium").first.click()  # leave the select box
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # the grid draws its rows on a canvas
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + 36 + 17)  # the first wine, the most expensive: its row's box
    page.wait_for_function("() => location.search.includes('produit=')")
    page.get_by_role("heading", name="Fiche d'un vin").first.wait_for()
    wait_idle(page)
    text = main_text(page)
    assert "Champagne Egly-Ouriet Grand Cru Millésimé 2008" in text
    assert "Chiffre d'affaires = prix × ventes = 225,00 € × 5 ventes = 1 125,00 €." in text
    assert "= 6,93." in text and "vin premium, 136,92 € au-dessus du prix seuil" in text
    assert "produit=4352" in page.url
    shot(page, "vin_1400")
    box = page.get_by_role("combobox").first  # another wine, found by its sku as in the product lists
    box.click()
    box.fill("7818")
    page.get_by_role("option", name=re.compile(r"sku 7818\)")).first.click()
    other = real_result.products.set_index("sku").loc["7818"]
    page.wait_for_function(f"() => location.search.includes('produit={other['product_id']}')")
    page.get_by_role("heading", name=other["name"]).first.wait_for()
    wait_idle(page)
    for product_id in ("4132", "4046", "5047"):  # each choice opens its wine (every second one was dropped)
        chosen = real_result.products.set_index("product_id").loc[product_id]
        box.click()
        box.fill(product_id)
        page.get_by_role("option", name=re.compile(rf"\(id {product_id} ")).first.click()
        wait_idle(page)
        assert page.locator('[data-testid="stMain"] h3').first.inner_text() == chosen["name"], product_id
        assert f"produit={product_id}" in page.url
    box.click()
    box.fill("Lebrun")  # only wines whose label holds what is typed (a fuzzy match offered « Emile Boeckel »)
    options = page.get_by_role("option")
    options.first.wait_for()
    assert options.count() and all("lebrun" in o.lower() for o in options.all_inner_texts())
    box.fill("4055")  # a product left out of the merge can be looked up too, and says why
    page.get_by_role("option", name=re.compile(r"\(id 4055 · hors fusion")).first.click()
    page.get_by_text("Ce produit n'est pas dans la fusion : id_web manquant dans la LIAISON.").first.wait_for()


def test_a_searched_list_comes_back_as_it_was_left_after_a_wine_s_page(page, real_paths, real_result):
    upload_real(page, real_paths)
    go_to(page, "chiffre-affaires")
    search = key(page, "revenue_text").locator("input")
    search.fill("cremant")  # typed without its accent, as users do
    search.press("Enter")
    cremants = int(real_result.products["name"].str.contains("Crémant").sum())
    page.get_by_text(f"{cremants} produits affichés sur 714").first.wait_for()
    assert cremants > 1
    search.fill("Champagne")
    search.press("Enter")
    page.get_by_text("27 produits affichés sur 714").first.wait_for()
    wait_idle(page)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # the grid draws its rows on a canvas
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + 36 + 17)  # the first wine
    page.get_by_role("heading", name="Fiche d'un vin").first.wait_for()
    wait_idle(page)
    go_to(page, "chiffre-affaires")
    page.get_by_text("produits affichés sur 714").first.wait_for()
    assert "27 produits affichés sur 714 (1 filtre actif)" in main_text(page)
    assert search.input_value() == "Champagne"


def test_a_minimum_price_above_the_maximum_is_said_not_an_empty_list(page, real_paths):
    upload_real(page, real_paths)
    go_to(page, "chiffre-affaires")
    page.get_by_text("Filtrer et trier").first.click()
    wait_idle(page)
    key(page, "revenue_low").locator("input").fill("120")
    high = key(page, "revenue_high").locator("input")
    high.fill("50")
    high.press("Enter")
    page.get_by_text("dépasse le prix maximum").first.wait_for()
    wait_idle(page)
    assert "714 produits affichés sur 714" in main_text(page)


def test_the_kestra_configuration_dropped_says_what_it_holds(page, real_paths, real_data):
    page.get_by_text("Configuration : seuil et chiffres de référence").first.click()
    wait_idle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').nth(1).set_input_files(
        str(real_data / "test_config_kestra.yaml"))
    page.get_by_text("Configuration utilisée : test_config_kestra.yaml").first.wait_for()
    wait_idle(page)
    text = main_text(page)
    assert "Chiffre d'affaires total : 70 568,60 € (à 0,01 € près)" in text and "Vins premium" not in text
    assert "Nombre de vins premium : 30" in text and "Seuil de z-score : 2,00" in text
    assert "config/" not in text  # no path of the server


def test_prices_in_cents_fail_a_first_month_under_the_scheduled_configuration(page, real_paths, real_frames, tmp_path):
    # With config/mensuel.yaml (no reference figure) and no month before, a price column in cents read « Tous les
    # contrôles bloquants sont réussis » over a revenue of 7 056 860,00 €.
    from conftest import REPO

    page.get_by_text("Configuration : seuil et chiffres de référence").first.click()
    wait_idle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').nth(1).set_input_files(
        str(REPO / "config" / "mensuel.yaml"))
    page.get_by_text("Configuration utilisée : mensuel.yaml").first.wait_for()
    wait_idle(page)
    cents = tmp_path / "erp.xlsx"
    real_frames["erp"].assign(price=real_frames["erp"]["price"] * 100).to_excel(cents, index=False)
    drop(page, cents, real_paths[1], real_paths[2])
    page.get_by_text("1 contrôle bloquant en échec : Prix médian plausible pour un vin").first.wait_for()
    assert PASSED not in main_text(page)


def test_a_renamed_price_column_goes_through_the_mapping(page, real_paths, real_frames, tmp_path):
    renamed = tmp_path / "erp_novembre.xlsx"
    real_frames["erp"].rename(columns={"price": "prix"}).to_excel(renamed, index=False)
    drop(page, renamed, real_paths[1], real_paths[2])
    page.get_by_text("il lui manque : « price »").first.wait_for()
    wait_idle(page)
    assert PASSED not in main_text(page)
    assert "Indiquez la colonne qui en tient lieu" not in main_text(page)  # one message for the file, not two
    click_button(page, "Enregistrer la correspondance")
    page.get_by_text(PASSED).first.wait_for()
    assert "7 / 7 contrôles de référence réussis" in main_text(page)
    go_to(page, "chiffre-affaires")
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text() == "70 568,60 €"


def test_real_exports_end_to_end_with_every_download(page, real_paths, tmp_path):
    upload_real(page, real_paths)
    shot(page, "donnees_1400")
    go_to(page, "etapes")
    page.get_by_text("Fusion ERP – LIAISON – WEB").first.wait_for()  # the page draws as its script runs
    assert page.locator(".stMarkdownBadge", has_text="échec").count() == 0
    # Two sold WEB rows without a sku: their 13 sales reach no product, said (the coverage of 100 % hid them).
    page.get_by_text("2 lignes WEB sans sku ont des ventes (13 ventes, hors du chiffre d'affaires)").first.wait_for()
    shot(page, "etapes_1400")
    go_to(page, "chiffre-affaires")
    page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for()
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text() == "70 568,60 €"
    shot(page, "chiffre-affaires_1400")
    go_to(page, "premium")
    shot(page, "premium_1400")
    go_to(page, "telechargements")
    downloads = page.locator('[data-testid="stDownloadButton"] button')
    downloads.nth(6).wait_for()
    assert downloads.count() == 7
    received = {}
    for i in range(downloads.count()):
        with page.expect_download() as info:
            downloads.nth(i).click()
        received[info.value.suggested_filename] = tmp_path / info.value.suggested_filename
        info.value.save_as(received[info.value.suggested_filename])
    no_exception(page)
    shot(page, "telechargements_1400")

    def file(prefix: str):
        return next(p for n, p in received.items() if n.startswith(prefix))
    book = openpyxl.load_workbook(file("rapport_ca_"))
    assert book.sheetnames == ["CA par produit", "Vins premium", "Vins ordinaires", "Synthèse", "Contrôles"]
    synthesis = {r[0]: r[1] for r in book["Synthèse"].iter_rows(values_only=True)}
    assert synthesis["Chiffre d'affaires total (€)"] == 70568.6
    checks = list(book["Contrôles"].iter_rows(values_only=True))
    status = {row[-1]: row[checks[0].index("Statut")] for row in checks[1:]}
    assert status["erp_price_not_negative"] == "avertissement" and "échoué" not in status.values()  # as on screen
    assert len(pd.read_csv(file("vins_premium_"), sep=";", decimal=",", encoding="utf-8-sig")) == 30
    assert len(pd.read_csv(file("vins_ordinaires_"), sep=";", decimal=",", encoding="utf-8-sig")) == 684
    assert len(pd.read_parquet(file("produits_fusionnes_"))) == 714
    assert json.loads(file("synthese_").read_text())["premium_count"] == 30
    with zipfile.ZipFile(file("bottleneck_")) as bundle:
        manifest = json.loads(bundle.read(next(n for n in bundle.namelist() if n.startswith("manifeste_"))))
        # Every file the manifest traces is in the archive under that name, with that content.
        assert set(manifest["files"]) == set(bundle.namelist()) - {n for n in bundle.namelist()
                                                                    if n.startswith("manifeste_")}
        assert all(hashlib.sha256(bundle.read(n)).hexdigest() == h for n, h in manifest["files"].items())
    go_to(page, "historique")
    click_button(page, "Enregistrer l'analyse")
    page.get_by_text("enregistrée dans l'historique").first.wait_for()
    shot(page, "historique_1400")


def test_a_step_and_its_removed_rows_are_built_when_opened(page, real_paths, real_result):
    upload_real(page, real_paths)
    go_to(page, "etapes")
    main = page.locator('[data-testid="stMain"]')
    merge = real_result.step("merge")
    section = main.locator('[data-testid="stExpander"]', has_text="5. Fusion ERP – LIAISON – WEB").first
    assert section.locator(".stMarkdownBadge").count() == 0  # a closed section is not built
    section.locator("summary").first.click()
    rows = section.get_by_text(f"Afficher {merge.rows_removed} lignes écartées")
    rows.wait_for()  # opened: its checks and the way to its removed rows
    assert section.locator(".stMarkdownBadge", has_text="réussi").count() == len(real_result.checks_of("merge"))
    rows.click()
    section.locator('[data-testid="stDataFrame"]').wait_for()
    no_exception(page)
    assert f"Lignes écartées : {merge.removed['motif'].value_counts().index[0]}" in section.inner_text()


def test_back_to_the_configuration_threshold_puts_the_slider_back(page, real_paths):
    upload_real(page, real_paths)
    go_to(page, "premium")
    slider = page.get_by_role("slider").first
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    wait_idle(page)
    page.get_by_text("seuil simulé 2,20").first.wait_for()
    click_button(page, "Revenir au seuil de la configuration")
    page.get_by_text("seuil 2,00 (configuration)").first.wait_for()
    assert page.locator('[data-testid="stSliderThumbValue"]').first.inner_text() == "2,00"


def test_the_list_chosen_stays_chosen_when_the_threshold_moves_or_is_clicked_again(page, real_paths, real_result):
    upload_real(page, real_paths)
    go_to(page, "premium")
    key(page, "premium_list").locator("button", has_text="Vins ordinaires").click()
    page.get_by_text("684 produits affichés sur 714").first.wait_for()  # the list redrawn, not read mid-run
    wait_idle(page)
    move_slider_to(page, 1)  # 2,00 -> 1,90: the counts in the labels change
    ordinary = int((real_result.products["price_zscore"] <= 1.9).sum())
    page.get_by_text(f"{ordinary} produits affichés sur 714").first.wait_for()
    assert active_choice(page, "premium_list") == ["Vins ordinaires"]
    key(page, "premium_list").locator("button", has_text="Vins ordinaires").click()  # clicked again
    wait_idle(page)
    assert active_choice(page, "premium_list") == ["Vins ordinaires"]
    assert f"{ordinary} produits affichés sur 714" in main_text(page)
    go_to(page, "chiffre-affaires")
    key(page, "revenue_chart").locator("button", has_text="Top 20 des vins").click()
    wait_idle(page)
    assert active_choice(page, "revenue_chart") == ["Top 20 des vins"]


def test_removed_rows_read_french_with_their_reason_first(page, real_paths):
    upload_real(page, real_paths)
    go_to(page, "etapes")
    for step, rows in (("3. Nettoyage WEB", 85), ("5. Fusion ERP – LIAISON – WEB", 111)):
        section = page.locator('[data-testid="stExpander"]', has_text=step).first
        if section.locator("details").first.get_attribute("open") is None:  # a step with a warning opens itself
            section.locator("summary").first.click()
        section.get_by_text(f"Afficher {rows} lignes écartées").click()
        section.locator('[data-testid="stDataFrame"]').last.wait_for()  # after a warning's rows, if any
        wait_idle(page)
        shown = [table for table in tables_received(page) if len(table) == rows][-1]
        assert shown.columns[0] == "Motif", step
        assert not shown.isin(["None", "nan", "<NA>"]).any().any(), step
    assert set(shown["En vente sur le web"]) <= {"oui", "non", "—"}
    assert (shown["id_web (LIAISON)"] == "—").any()
    # The grid draws an empty cell with its own word (« None ») whatever the text above says, unless told.
    assert {grid.placeholder for grid in grids_received(page)} == {"—"}
    shot(page, "etapes_lignes_ecartees_1400")


def test_etapes_keeps_the_sections_a_user_opened_across_pages(page, real_paths):
    upload_real(page, real_paths)
    go_to(page, "etapes")
    section = page.locator('[data-testid="stExpander"]', has_text="5. Fusion ERP – LIAISON – WEB").first
    section.locator("summary").first.click()
    section.get_by_text("Afficher 111 lignes écartées").click()
    section.locator('[data-testid="stDataFrame"]').wait_for()
    go_to(page, "chiffre-affaires")
    go_to(page, "etapes")
    section.locator('[data-testid="stDataFrame"]').wait_for(timeout=10_000)  # still open, rows included
    premium = page.locator('[data-testid="stExpander"]', has_text="7. Vins premium").first
    assert "30 premium + 684 ordinaires" in premium.locator("summary").inner_text()  # as in the summary


def test_every_page_reads_french_and_whole_at_800_px_in_an_english_browser(browser, app_url, real_paths):
    page = open_app(browser, app_url, width=800, locale="en-US")
    try:
        upload_real(page, real_paths)
        shot(page, "donnees_800")
        rules = page.get_by_text("Règles non respectées").first.inner_text()  # « and » held to their words
        assert "«\u00a0Aucun prix négatif (ERP)\u00a0»" in rules and "« " not in rules and " »" not in rules
        for slug in ("etapes", "chiffre-affaires", "premium", "vin", "telechargements", "historique"):
            go_to(page, slug)
            no_exception(page)
            for value in page.locator('[data-testid="stMetricValue"]').all():  # no figure cut to « 70 5… »
                assert value.evaluate(WHOLE), value.inner_text()
            shot(page, f"{slug}_800")
        go_to(page, "chiffre-affaires")
        assert page.locator('[data-testid="stMetricValue"]').first.inner_text() == "70 568,60 €"
    finally:
        page.context.close()


def test_a_revenue_of_millions_reads_whole_in_its_card(page, real_paths, real_frames, tmp_path):
    # Prices in cents (a month that fails, but whose figures are shown): « 7 056 86… » was all the card said.
    cents = tmp_path / "erp.xlsx"
    real_frames["erp"].assign(price=real_frames["erp"]["price"] * 100).to_excel(cents, index=False)
    drop(page, cents, real_paths[1], real_paths[2])
    go_to(page, "chiffre-affaires")
    values = page.locator('[data-testid="stMetricValue"]')
    assert values.first.inner_text() == "7 056 860,00 €"
    shot(page, "chiffre_affaires_millions")
    for value in values.all():
        assert value.evaluate(WHOLE), value.inner_text()


def test_at_800_px_the_tables_have_the_screen_and_every_page_is_one_click_away(browser, app_url, real_paths):
    """A sidebar kept 300 of the 800 pixels: wine names cut, the lists' last columns off screen."""
    page = open_app(browser, app_url, width=800)
    try:
        upload_real(page, real_paths)
        go_to(page, "chiffre-affaires")
        for name in NAV.values():
            assert page.locator('[data-testid="stTopNavLink"]', has_text=name).first.is_visible(), name
        main = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
        table = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
        assert main["width"] >= 720 and table["width"] >= 720, (main, table)
        # The top 20's names whole on the axis (two Egly-Ouriet cuvées both read « Champagne Egly-Ouriet Grand Cru… »)
        labels = page.locator('[data-testid="stPlotlyChart"] .ytick text').evaluate_all(
            "texts => texts.map(t => [...t.querySelectorAll('tspan')].map(s => s.textContent).join(' ')"
            " || t.textContent)")
        assert "6. Champagne Egly-Ouriet Grand Cru Blanc de Noirs" in labels, labels
        assert "7. Champagne Egly-Ouriet Grand Cru Millésimé 2008" in labels, labels
    finally:
        page.context.close()


def test_a_hostile_upload_is_refused_and_the_app_keeps_serving_others(page, browser, app_url, tmp_path):
    from test_bad_input import range_bomb

    bomb = tmp_path / "erp_bombe.xlsx"
    bomb.write_bytes(range_bomb("XFD1048576"))
    drop(page, bomb)
    page.get_by_text("plage utilisée de 1048576 lignes").first.wait_for()
    no_exception(page)
    other = open_app(browser, app_url)
    try:
        click_button(other, "Utiliser les données d'exemple")
        other.get_by_text(PASSED).first.wait_for()
    finally:
        other.context.close()


def month_pair() -> tuple[str, str]:
    """This month and the one before, as the start page lists them."""
    this, last = recent_periods(date.today().strftime("%Y-%m"))[:2]
    return month_label(this), month_label(last)


def record_last_month(page, real_paths) -> None:
    """The real exports recorded as last month's, then analysed again as this month's."""
    this, last = month_pair()
    upload_real(page, real_paths)
    choose(page, "period_choice", last)
    go_to(page, "historique")
    click_button(page, "Enregistrer l'analyse")
    page.get_by_text("enregistrée dans l'historique").first.wait_for()
    go_to(page, "donnees")
    choose(page, "period_choice", this)
    page.locator('[data-testid="stMain"] [data-stale="false"]', has_text=f"{this} ·").first.wait_for()  # this month's run
    page.get_by_text(PASSED).first.wait_for()


def test_a_price_typed_with_a_decimal_comma_filters_as_written(page, real_paths, real_result):
    prices = real_result.products["price"]
    upload_real(page, real_paths)
    go_to(page, "chiffre-affaires")
    page.get_by_text("Filtrer et trier").first.click()
    wait_idle(page)
    field = key(page, "revenue_high").locator("input").first
    field.fill("150,5")
    field.press("Enter")
    wait_idle(page)
    page.get_by_text(f"{(prices <= 150.5).sum()} produits affichés sur 714 (1 filtre actif)").first.wait_for()
    assert field.input_value() == "150,5"  # as typed, not 1505
    with page.expect_download() as info:  # the list's CSV, written on click, holds what the table shows
        page.get_by_role("button", name="Télécharger cette liste (CSV)").click()
    assert info.value.suggested_filename.startswith("produits_filtres_")
    listed = pd.read_csv(info.value.path(), sep=";", decimal=",", encoding="utf-8-sig")
    assert len(listed) == (prices <= 150.5).sum() and listed["Prix (€)"].max() <= 150.5
    assert set(listed["En vente sur le web"].dropna()) <= {"oui", "non"}  # as the table reads, not 1 and 0
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.hover()  # the table's toolbar: no CSV of its own, written the English way
    page.locator('[data-testid="stElementToolbar"] button[aria-label="Fullscreen"]').first.wait_for()
    assert page.locator('[data-testid="stElementToolbar"] button[aria-label="Download as CSV"]').count() == 0
    field.fill("cent")
    field.press("Enter")
    wait_idle(page)
    page.get_by_text("« cent » n'est pas un prix").first.wait_for()
    assert "714 produits affichés sur 714" in main_text(page)


@pytest.mark.parametrize("field_key, typed", [("revenue_text", "Champagne"), ("revenue_high", "50")])
def test_a_list_downloaded_right_after_typing_a_filter_is_the_list_on_screen(page, real_paths, field_key, typed):
    """A value typed and not yet applied (no Enter) then the list's CSV: the file holds the products the table
    shows, never another list."""
    upload_real(page, real_paths)
    go_to(page, "chiffre-affaires")
    if field_key != "revenue_text":
        page.get_by_text("Filtrer et trier").first.click()
        wait_idle(page)
    key(page, field_key).locator("input").first.fill(typed)
    with page.expect_download() as info:
        page.get_by_role("button", name=re.compile("^Télécharger")).first.click()
    wait_idle(page)
    listed = pd.read_csv(info.value.path(), sep=";", decimal=",", encoding="utf-8-sig")
    shown = re.search(r"(\d+) produits? affichés? sur 714", main_text(page))
    assert shown and len(listed) == int(shown[1]), (len(listed), shown and shown[0])


def test_the_changes_since_last_month_and_the_step_summary_read_whole_at_800_px(browser, app_url, real_paths):
    page = open_app(browser, app_url, width=800)
    try:
        record_last_month(page, real_paths)
        go_to(page, "chiffre-affaires")
        page.get_by_text(f"Écarts depuis {month_pair()[1]}").first.wait_for()
        deltas = page.locator('[data-testid="stMetricDelta"]')
        deltas.nth(2).wait_for()
        assert deltas.count() == 3  # revenue, products sold, revenue per product sold (the top 20 % has none)
        for delta in deltas.all():  # no change cut to « +0,00 € depuis novem… »
            assert delta.evaluate(WHOLE), delta.inner_text()
        assert deltas.first.inner_text().strip() == "0,00 €"  # the same files: no change, and no arrow up
        assert page.locator('[data-testid="stMetricDeltaIcon-Up"]').count() == 0
        shot(page, "chiffre-affaires_ecarts_800")
        go_to(page, "etapes")
        last_column = page.locator('[data-testid="stTable"] th', has_text="Contrôles").first
        last_column.wait_for()
        edge = last_column.bounding_box()
        assert edge["x"] + edge["width"] <= 800  # the summary's last column on screen, not scrolled away
    finally:
        page.context.close()


def test_a_comparison_of_two_months_accounts_for_vanished_wines_and_says_why_wines_crossed(
        browser, app_url, real_paths, real_frames, real_result, tmp_path):
    """November lost its best seller's WEB row: the largest revenue changes held only the wines of both months (the
    month's fall unexplained), and a wine leaving premium at an unchanged price did not say why."""
    from bottleneck_core import run_pipeline
    from bottleneck_core.runs.history import record_run

    best, dearest = real_result.products.iloc[0], real_result.products.sort_values("price").iloc[-1]
    web = real_frames["web"].loc[real_frames["web"]["sku"].astype(str) != best["sku"]]
    erp = real_frames["erp"].copy()  # the dearest wine dearer: the month's prices spread, 4132 (88,40 €) drops out
    erp.loc[erp["product_id"].astype(str) == dearest["product_id"], "price"] = 600
    november = run_pipeline(erp, real_frames["liaison"], web, period="2026-11")
    history = str(tmp_path / "historique.duckdb")  # the app's own history (conftest.start_app)
    record_run(real_result, history)
    record_run(november, history)
    page = open_app(browser, app_url)
    try:
        go_to(page, "historique")
        page.get_by_role("tab", name="Plus fortes variations de CA").click()
        page.get_by_text("produits nouveaux (CA avant « — ») et disparus").first.wait_for()
        changes = next(t for t in reversed(tables_received(page)) if "Écart de CA (€)" in t.columns)
        assert best["name"] in changes["Vin"].tolist(), changes
        page.get_by_role("tab", name="Sortis du premium").click()
        page.get_by_text("son z-score avant et après le dit").first.wait_for()
        left = next(t for t in reversed(tables_received(page)) if "Z-score avant" in t.columns)
        row = left.loc[left["Identifiant produit"] == "4132"].iloc[0]
        assert (row["Prix avant (€)"], row["Prix après (€)"], row["Z-score avant"]) == ("88,40 €", "88,40 €", "2,01")
    finally:
        page.context.close()


def test_a_month_recorded_in_one_session_is_compared_with_in_the_next(browser, app_url, real_paths):
    first = open_app(browser, app_url)
    try:
        record_last_month(first, real_paths)
    finally:
        first.context.close()
    second = open_app(browser, app_url)  # a colleague, same files, same server, right after
    try:
        upload_real(second, real_paths)
        go_to(second, "chiffre-affaires")
        second.get_by_text(f"Écarts depuis {month_pair()[1]}").first.wait_for(timeout=15_000)
    finally:
        second.context.close()
