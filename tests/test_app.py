"""The app through AppTest: one source of truth for the month's inputs, no figure from other inputs, the threshold as
a labelled simulation, every page in French, column mapping, the history of record."""
from __future__ import annotations

import re
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from conftest import REPO, xlsx

RESULT_PAGES = ["app_pages/etapes.py", "app_pages/chiffre_affaires.py", "app_pages/premium.py", "app_pages/vin.py",
                "app_pages/telechargements.py"]


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Each app test with its own history and mapping file."""
    monkeypatch.setenv("BOTTLENECK_HISTORY", str(tmp_path / "historique.duckdb"))
    monkeypatch.setenv("BOTTLENECK_MAPPING", str(tmp_path / "correspondances.yaml"))


def new_app() -> AppTest:
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    app.run()
    assert not app.exception
    return app


def upload(app: AppTest, *files) -> AppTest:
    """Drop files (paths, or (name, bytes)) on the start page."""
    items = [(f.name, f.read_bytes(), "application/octet-stream") if hasattr(f, "read_bytes")
             else (f[0], f[1], "application/octet-stream") for f in files]
    uploader = next(u for u in app.file_uploader if u.key and u.key.startswith("uploader_"))
    uploader.set_value(items).run()
    assert not app.exception
    return app


@pytest.fixture
def real_app(real_paths) -> AppTest:
    return upload(new_app(), *real_paths)


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def texts(app: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "success", "error", "info", "warning", "caption", "text")
             for e in app.get(kind) if isinstance(getattr(e, "value", None), str)]
    parts += [m.value for m in app.metric] + [m.label for m in app.metric]
    return unescape("\n".join(parts))


def file_names(app: AppTest) -> list[str]:
    return [unescape(m.value).strip("*") for m in app.markdown if m.value.startswith("**") and "." in m.value
            and len(m.value) < 80]


def test_the_start_page_recognises_the_three_real_exports(real_app):
    assert file_names(real_app) == ["erp.xlsx", "liaison.xlsx", "web.xlsx"]
    assert [s.value for s in real_app.selectbox if s.key and s.key.startswith("kind::")] == ["erp", "liaison", "web"]
    assert "825 lignes · 5 colonnes" in texts(real_app) and "1 513 lignes · 28 colonnes" in texts(real_app)
    assert "Tous les contrôles bloquants sont réussis (7 / 7 contrôles de référence réussis)" in texts(real_app)
    assert not real_app.file_uploader(key="uploader_1").value  # the drop zone emptied once read


def test_etapes_says_why_a_check_was_skipped(real_app):
    real_app.switch_page("app_pages/etapes.py").run()
    assert "Aucun mois précédent dans l'historique : pas de comparaison d'un mois sur l'autre." in texts(real_app)
    real_app.switch_page("app_pages/premium.py").run()
    real_app.select_slider(key="threshold_slider_0").set_value(1.5).run()
    real_app.switch_page("app_pages/etapes.py").run()
    real_app.session_state["etape_premium_0"] = True  # the premium step's section, opened
    real_app.run()
    assert "ignoré (seuil simulé) : cette référence vaut au seuil de la configuration" in unescape(texts(real_app))


def test_every_page_renders_the_real_month_with_its_header(real_app):
    for page in RESULT_PAGES + ["app_pages/historique.py"]:
        real_app.switch_page(page).run()
        assert not real_app.exception, page
        assert "erp.xlsx, liaison.xlsx, web.xlsx · configuration par défaut (test_config.yaml) · seuil 2,00" in \
            texts(real_app), page
        assert "config/" not in texts(real_app), page  # a file's name, never a path


def test_the_revenue_page_shows_the_total_in_french_and_one_chart_at_a_time(real_app):
    real_app.switch_page("app_pages/chiffre_affaires.py").run()
    assert real_app.metric[0].value == "70 568,60 €" and real_app.metric[2].value == "183,30 €"
    assert len(real_app.get("plotly_chart")) == 1
    first = real_app.get("plotly_chart")[0].proto.spec
    real_app.segmented_control(key="revenue_chart").set_value("Courbe de Pareto").run()
    assert len(real_app.get("plotly_chart")) == 1 and real_app.get("plotly_chart")[0].proto.spec != first
    real_app.text_input(key="revenue_text").input("Champagne").run()
    assert "714 produits affichés sur 714" in texts(real_app)  # typed, not applied: the list and its CSV unchanged
    real_app.text_input(key="revenue_text").input("Champagne")
    real_app.button(key="revenue_search").click().run()
    assert "27 produits affichés sur 714" in texts(real_app)


def test_a_list_comes_back_as_it_was_left_after_a_wine_s_page(real_app):
    real_app.switch_page("app_pages/chiffre_affaires.py").run()
    real_app.text_input(key="revenue_text").input("Champagne")
    real_app.button(key="revenue_search").click().run()
    assert "27 produits affichés sur 714 (1 filtre actif)" in texts(real_app)
    real_app.switch_page("app_pages/vin.py").run()
    real_app.switch_page("app_pages/chiffre_affaires.py").run()
    assert real_app.text_input(key="revenue_text").value == "Champagne"
    assert "27 produits affichés sur 714 (1 filtre actif)" in texts(real_app)


def test_the_filter_panel_is_built_only_when_open_and_its_filters_hold_once_closed(real_app):
    real_app.switch_page("app_pages/chiffre_affaires.py").run()
    assert not real_app.text_input(key="revenue_text").value and "714 produits affichés sur 714 ;" in texts(real_app)
    assert len(real_app.text_input) == 1  # the closed panel builds none of its widgets
    real_app.session_state["revenue_panel"] = True
    real_app.run()
    real_app.text_input(key="revenue_low").input("100")
    real_app.button(key="revenue_apply_prices").click().run()
    real_app.selectbox(key="revenue_sort").set_value("price").run()
    open_caption = re.search(r"(\d+) produits affichés sur 714 \(1 filtre actif\)", texts(real_app))
    assert open_caption and int(open_caption[1]) < 714
    real_app.session_state["revenue_panel"] = False
    real_app.run()
    assert len(real_app.text_input) == 1 and open_caption[0] in texts(real_app)
    real_app.session_state["revenue_panel"] = True
    real_app.run()
    assert real_app.text_input(key="revenue_low").value == "100"
    assert real_app.selectbox(key="revenue_sort").value == "price"


def test_every_stock_status_chosen_is_no_active_filter(real_app):
    real_app.switch_page("app_pages/chiffre_affaires.py").run()
    real_app.session_state["revenue_panel"] = True
    real_app.run()
    stock = real_app.multiselect(key="revenue_stock")
    stock.set_value(list(stock.options)).run()  # what the multiselect's "Select all" does
    assert "714 produits affichés sur 714 ;" in texts(real_app)
    real_app.multiselect(key="revenue_stock").set_value([real_app.multiselect(key="revenue_stock").options[0]]).run()
    assert "(1 filtre actif)" in texts(real_app)


def test_a_price_typed_the_french_way_filters_as_written_and_a_wrong_one_is_said(real_app, real_result):
    prices = real_result.products["price"]
    assert (prices <= 150.5).sum() < (prices <= 1505).sum()  # the comma matters on the real month
    real_app.switch_page("app_pages/chiffre_affaires.py").run()
    real_app.session_state["revenue_panel"] = True
    real_app.run()
    real_app.text_input(key="revenue_high").input("150,5")
    real_app.button(key="revenue_apply_prices").click().run()
    assert f"{(prices <= 150.5).sum()} produits affichés sur 714 (1 filtre actif)" in texts(real_app)
    real_app.text_input(key="revenue_high").input("150 euros")
    real_app.button(key="revenue_apply_prices").click().run()
    assert "« 150 euros » n'est pas un prix" in texts(real_app) and "714 produits affichés sur 714" in texts(real_app)


def test_removing_a_file_removes_it_and_every_figure_of_the_analysis(real_app):
    real_app.button(key="remove::erp.xlsx").click().run()
    assert file_names(real_app) == ["liaison.xlsx", "web.xlsx"] and "Il manque : ERP." in texts(real_app)
    assert not real_app.success
    for page in RESULT_PAGES:
        real_app.switch_page(page).run()
        assert "Aucune analyse n'est affichée" in texts(real_app) and not real_app.metric, page


def test_a_second_file_recognised_as_a_present_export_is_announced_and_can_be_reassigned(real_paths):
    erp, liaison, web = real_paths
    app = upload(new_app(), ("erp_mauvais.xlsx", web.read_bytes()), liaison, web)
    assert file_names(app) == ["erp_mauvais.xlsx", "liaison.xlsx", "web.xlsx"]
    shown = texts(app)
    assert "Plusieurs fichiers comptent comme WEB : erp_mauvais.xlsx et web.xlsx" in shown
    assert "Il manque : ERP." in shown and not app.success
    app.selectbox(key="kind::erp_mauvais.xlsx").set_value("erp").run()
    assert any("ressemble à l'export WEB" in unescape(e.value) for e in app.error) and not app.success


def test_a_wrong_assignment_after_a_good_analysis_leaves_no_stale_figure(real_app):
    real_app.selectbox(key="kind::web.xlsx").set_value("erp").run()
    assert not real_app.success and "Plusieurs fichiers comptent comme ERP" in texts(real_app)
    real_app.switch_page("app_pages/chiffre_affaires.py").run()
    assert not real_app.metric and "70 568,60 €" not in texts(real_app)


def test_sample_and_uploaded_files_replace_each_other_both_ways(real_paths):
    app = upload(new_app(), *real_paths)
    app.button[next(i for i, b in enumerate(app.button) if b.label == "Utiliser les données d'exemple")].click().run()
    assert "données d'exemple" in texts(app) and "Tous les contrôles bloquants sont réussis" in texts(app)
    upload(app, *real_paths)  # the same three files again
    assert "erp.xlsx, liaison.xlsx, web.xlsx" in texts(app) and "données d'exemple ·" not in texts(app)
    app.button[next(i for i, b in enumerate(app.button) if b.label == "Utiliser les données d'exemple")].click().run()
    app.button[next(i for i, b in enumerate(app.button) if b.label == "Revenir à mes fichiers")].click().run()
    assert "erp.xlsx, liaison.xlsx, web.xlsx" in texts(app)


def test_the_slider_is_a_labelled_simulation_on_every_page_and_every_banner_agrees(real_app, monkeypatch):
    real_app.switch_page("app_pages/premium.py").run()
    assert "**30 vins premium** sur 714" in "".join(m.value for m in real_app.markdown)
    import bottleneck_core.io.sandbox as sandbox

    monkeypatch.setattr(sandbox, "start_parse", lambda *a: pytest.fail("a slider move parsed a file again"))
    slider = real_app.select_slider(key="threshold_slider_0")
    assert slider.value == 2.0 and {"0,50", "1,50", "2,00", "4,00"} <= set(slider.options)
    slider.set_value(1.5).run()
    assert "**49 vins premium** sur 714" in texts(real_app)
    assert [b.label for b in real_app.get("download_button")] == ["Télécharger cette liste (CSV)"]
    assert "seuil simulé **1,50** (configuration : 2,00)" in texts(real_app)
    for page in ("app_pages/etapes.py", "app_pages/donnees.py"):
        real_app.switch_page(page).run()
        shown = texts(real_app)
        assert ":orange-badge[:material/science: Simulation]" in shown  # said in colour on every page
        assert "seuil simulé **1,50**" in shown and "6 / 6 contrôles de référence réussis, 1 ignoré (seuil simulé)" in shown
        assert not real_app.error, page
    real_app.switch_page("app_pages/telechargements.py").run()
    labels = [b.label for b in real_app.get("download_button")]
    assert "rapport_ca_" in labels[0] and labels[0].endswith("_seuil-1,50.xlsx")
    real_app.button(key="back_to_record").click().run()
    assert "seuil simulé" not in texts(real_app)


def test_the_history_records_the_analysis_of_record_never_the_simulation(real_app):
    from bottleneck_core.runs.history import current_runs

    real_app.switch_page("app_pages/premium.py").run()
    real_app.select_slider(key="threshold_slider_0").set_value(1.5).run()
    real_app.switch_page("app_pages/historique.py").run()
    assert "Le seuil simulé (1,50) n'est jamais enregistré" in texts(real_app)
    save = next(b for b in real_app.button if b.label.startswith("Enregistrer l'analyse"))
    assert save.label.endswith("dans l'historique (seuil 2,00)")
    save.click().run()
    assert "enregistrée dans l'historique" in texts(real_app)
    runs = current_runs()
    assert runs[["premium_count", "threshold", "checks_passed"]].values.tolist() == [[30, 2.0, True]]
    assert "historique.duckdb" not in texts(real_app) and "BOTTLENECK_HISTORY" not in texts(real_app)


def test_last_months_exports_about_to_be_recorded_as_this_month_are_said_before_saving(real_paths, real_result):
    from dataclasses import replace

    from bottleneck_core.formatting import recent_periods
    from bottleneck_core.runs.history import record_run

    this, last = recent_periods(date.today().strftime("%Y-%m"))[:2]
    record_run(replace(real_result, period=last))
    app = upload(new_app(), *real_paths)  # the same files, as this month's
    said = "L'export ERP et l'export WEB sont identiques, octet pour octet"
    assert any(unescape(w.value).startswith(said) for w in app.warning)  # beside the verdict, on the start page
    app.switch_page("app_pages/historique.py").run()
    assert any(w.value.startswith("L'export ERP et l'export WEB sont identiques, octet pour octet") for w in app.warning)
    app.switch_page("app_pages/etapes.py").run()
    assert "sont identiques, octet pour octet" in texts(app)


def test_a_failed_month_is_said_before_and_after_it_is_saved_never_as_a_plain_success(real_paths, real_frames):
    from bottleneck_core.runs.history import current_runs

    app = upload(new_app(), real_paths[0], real_paths[1], ("web.xlsx", xlsx(real_frames["web"].head(200))))
    app.switch_page("app_pages/historique.py").run()
    before = [unescape(w.value) for w in app.warning]
    assert any(w.startswith("Cette analyse compte ") and "servira de mois de comparaison au mois suivant" in w
               for w in before), before
    next(b for b in app.button if b.label.startswith("Enregistrer l'analyse")).click().run()
    assert not app.success
    saved = [unescape(w.value) for w in app.warning if "enregistrée dans l'historique" in w.value]
    assert len(saved) == 1 and "et sert pourtant de mois de comparaison au mois suivant" in saved[0]
    assert not current_runs()["checks_passed"].iloc[0]


def test_two_recorded_months_compare_in_french_with_no_rise_for_no_change(real_paths, real_result):
    from dataclasses import replace

    from bottleneck_core.runs.history import record_run

    for period in ("2026-09", "2026-10"):
        record_run(replace(real_result, period=period))
    app = upload(new_app(), *real_paths)
    app.switch_page("app_pages/historique.py").run()
    change = next(m for m in app.metric if m.label == "CA octobre 2026")
    assert (change.value, change.delta) == ("70 568,60 €", "0,00 €")  # not « +0,00 € » under a green arrow
    assert "Aucun vin entré en premium." in texts(app) and "Aucun produit disparu." in texts(app)
    assert "Aucun CA n'a changé." in texts(app)  # not ten unchanged wines listed as the largest changes
    assert "Vins premium : 30 → 30 ; 0 entré, 0 sorti" in texts(app)
    assert not any("même seuil" in w.value for w in app.warning)
    next(s for s in app.selectbox if s.label == "Mois de référence").set_value("2026-10").run()
    assert "Choisissez deux mois différents pour les comparer." in texts(app)


def test_two_months_cut_at_different_thresholds_are_said_so_before_their_premium_movements(real_paths, real_result):
    from dataclasses import replace

    from bottleneck_core import with_threshold
    from bottleneck_core.runs.history import record_run

    record_run(replace(real_result, period="2026-09"))
    looser = replace(real_result, period="2026-10", config=replace(real_result.config, threshold=1.5))
    record_run(with_threshold(looser, 1.5))  # the configuration of October said 1,5
    app = upload(new_app(), *real_paths)
    app.switch_page("app_pages/historique.py").run()
    note = ("Les deux mois n'ont pas été analysés au même seuil de z-score (2,00 en septembre 2026, 1,50 en octobre "
            "2026) : des vins entrent ou sortent du premium par ce seul changement de seuil.")
    assert note in [unescape(w.value) for w in app.warning]
    assert next(m for m in app.metric if m.label == "Entrés en premium").value == "19"


def test_the_sample_is_never_recorded():
    app = new_app()
    app.button[next(i for i, b in enumerate(app.button) if b.label == "Utiliser les données d'exemple")].click().run()
    app.switch_page("app_pages/historique.py").run()
    assert not any(b.label.startswith("Enregistrer") for b in app.button)
    assert "Les données d'exemple ne sont jamais enregistrées" in texts(app)


@pytest.mark.parametrize("page", RESULT_PAGES)
def test_result_pages_before_any_data_point_to_the_start_page(page):
    app = new_app()
    app.switch_page(page).run()
    assert not app.exception and "Aucune analyse pour l'instant" in app.info[0].value


def test_a_broken_upload_is_listed_refused_with_its_french_message(real_paths, tmp_path):
    erp, liaison, web = real_paths
    app = upload(new_app(), liaison, web, ("erp_novembre.xlsx", b"ceci n'est pas un classeur"))
    assert "erp_novembre.xlsx" in file_names(app)
    assert any("erp_novembre.xlsx" in unescape(e.value) and "n'est ni un classeur Excel" in unescape(e.value)
               for e in app.error)
    assert "Il manque : ERP." in texts(app)


def test_the_kestra_config_of_migrating_users_is_accepted(real_app, real_data):
    path = real_data / "test_config_kestra.yaml"
    next(u for u in real_app.file_uploader if u.label.startswith("Configuration")).set_value(
        (path.name, path.read_bytes(), "text/yaml")).run()
    assert not real_app.exception and not real_app.error
    assert "test_config_kestra.yaml" in texts(real_app) and "7 / 7" in texts(real_app)
    # What it holds, said where it was dropped (only its name was).
    assert "Chiffre d'affaires total : 70 568,60 € (à 0,01 € près)" in texts(real_app)
    assert "Seuil de z-score : 2,00" in texts(real_app)


def test_a_hostile_config_is_refused_in_french(real_app):
    next(u for u in real_app.file_uploader if u.label.startswith("Configuration")).set_value(
        ("config.yaml", b"!!python/object/apply:os.system ['touch /tmp/pwned']\n", "text/yaml")).run()
    assert any("balise non autorisée" in unescape(e.value) for e in real_app.error)


def test_a_renamed_column_is_mapped_once_and_remembered(real_frames, real_paths, tmp_path):
    renamed = xlsx(real_frames["erp"].rename(columns={"price": "prix"}))
    colleague = upload(new_app(), ("erp_novembre.xlsx", renamed), real_paths[1], real_paths[2])  # open meanwhile
    app = upload(new_app(), ("erp_novembre.xlsx", renamed), real_paths[1], real_paths[2])
    assert "il lui manque : « price »" in texts(app) and not app.success
    assert not app.error  # one message for the file: the mapping box, not also the analysis's error
    assert app.selectbox(key="map::erp_novembre.xlsx::price").value == "prix"  # the closest column, proposed first
    next(b for b in app.button if b.label == "Enregistrer la correspondance").click().run()
    assert "Tous les contrôles bloquants sont réussis (7 / 7" in texts(app)
    assert (tmp_path / "correspondances.yaml").read_text().strip().endswith("price: prix")
    colleague.run()  # the other session's next click reads the saved mapping
    assert "Tous les contrôles bloquants sont réussis (7 / 7" in texts(colleague)
    again = upload(new_app(), ("erp_decembre.xlsx", renamed), real_paths[1], real_paths[2])  # next month
    assert "Tous les contrôles bloquants sont réussis (7 / 7" in texts(again)
    again.switch_page("app_pages/etapes.py").run()
    assert again.table[0].value.columns.tolist() == ["Étape", "Entrée", "Sortie", "Écartées", "Contrôles"]
    read = again.dataframe[0].value  # what was read: the renamed column is said in the lineage
    assert read.loc[read["Source"] == "ERP", "Colonnes renommées"].item() == "prix → price"
    next(b for b in app.button if b.key == "unmap::erp::price").click().run()  # forgotten: asked again
    assert "il lui manque : « price »" in texts(app) and not (tmp_path / "correspondances.yaml").read_text().count(
        "prix")


def test_a_missing_price_is_never_mapped_to_another_column_of_the_export(real_frames, real_paths, tmp_path):
    without_price = xlsx(real_frames["erp"].drop(columns=["price"]))
    app = upload(new_app(), ("erp_sans_prix.xlsx", without_price), real_paths[1], real_paths[2])
    assert "il lui manque : « price »" in texts(app)
    # Every other column is the export's own (product_id, stock…): none is offered, nothing can be saved.
    assert not any(s.key == "map::erp_sans_prix.xlsx::price" for s in app.selectbox)
    assert "aucune autre de ses colonnes ne peut en tenir lieu : réexportez-le avec cette colonne" in texts(app)
    assert not any(b.label == "Enregistrer la correspondance" for b in app.button)  # nothing to save, no button
    assert not (tmp_path / "correspondances.yaml").exists() and not app.metric
    assert not app.error  # not also the analysis's error, which offered the mapping just said to be impossible
    app.switch_page("app_pages/chiffre_affaires.py").run()
    assert "les fichiers du mois sont incomplets ou inutilisables" in texts(app)


def header_detail(app: AppTest) -> str:
    """The header's tooltip: which files exactly the figures come from."""
    return next(unescape(m.help) for m in app.markdown if "empreinte SHA-256" in unescape(m.help or ""))


def test_a_file_dropped_again_under_the_same_name_with_other_content_is_said(real_app, real_frames):
    before = header_detail(real_app)
    assert "ERP : erp.xlsx, 825 lignes" in before and "WEB : web.xlsx, 1 513 lignes" in before
    shorter = ("erp.xlsx", xlsx(real_frames["erp"].head(800)))  # another erp.xlsx: 800 rows of 825
    upload(real_app, shorter)
    assert any("« erp.xlsx » a été remplacé par le fichier du même nom" in unescape(i.value) for i in real_app.info)
    # The header names the same files, and its detail tells the new erp.xlsx from the old one.
    assert "ERP : erp.xlsx, 800 lignes" in header_detail(real_app)
    real_app.run()  # said once
    assert not any("a été remplacé" in unescape(i.value) for i in real_app.info)
    upload(real_app, shorter)  # the same content again: nothing to say
    assert not any("a été remplacé" in unescape(i.value) for i in real_app.info)


def test_the_wine_page_opens_on_a_wine_from_its_address(real_app):
    real_app.query_params["produit"] = "4352"
    real_app.switch_page("app_pages/vin.py").run()
    shown = texts(real_app)
    assert "Chiffre d'affaires = prix × ventes = 225,00 € × 5 ventes = 1 125,00 €." in shown
    assert "vin premium, 136,92 € au-dessus du prix seuil" in shown
    web = real_app.dataframe[2].value  # ERP, LIAISON, then its product and attachment rows in the WEB export
    assert web["Dans l'analyse"].tolist() == ["comptée", "écartée : doublon de sku (ligne produit / pièce jointe)"]


def test_each_upload_is_parsed_once(real_paths, monkeypatch):
    import streamlit as st

    from bottleneck_core.io import reading, sandbox

    st.cache_resource.clear()
    seen = []
    start = sandbox.start_parse
    for module in (sandbox, reading):
        monkeypatch.setattr(module, "start_parse", lambda raw, *a: seen.append(raw.name) or start(raw, *a))
    app = upload(new_app(), *real_paths)
    assert "Tous les contrôles bloquants sont réussis (7 / 7" in texts(app)
    for page in RESULT_PAGES:
        app.switch_page(page).run()
    assert sorted(seen) == ["erp.xlsx", "liaison.xlsx", "web.xlsx"]


def test_an_unexpected_error_is_one_french_line_on_screen_and_its_traceback_in_the_server_log(real_paths, monkeypatch,
                                                                                             caplog):
    import bottleneck_core

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    import streamlit as st

    st.cache_resource.clear()
    monkeypatch.setattr(bottleneck_core, "run_pipeline", broken)
    app = upload(new_app(), *real_paths)
    assert any("erreur inattendue" in e.value for e in app.error) and "a bug" not in texts(app)
    logged = [r for r in caplog.records if r.name == "bottleneck"]
    assert logged and "RuntimeError: a bug" in logged[0].exc_text and "erp.xlsx" in logged[0].getMessage()

