"""Column mapping: a renamed column is proposed by name and content, mapped once, remembered, said everywhere."""
from __future__ import annotations

import json

import pytest

from bottleneck_core import deliverables, run_pipeline
from bottleneck_core.errors import InputError
from bottleneck_core.io.mapping import (check_mapping, load_mapping, mapping_yaml, propose_columns, with_columns,
                                        without_column)
from bottleneck_core.io.reading import identify
from bottleneck_core.runs.cli import main
from conftest import REFERENCE_CONFIG, xlsx


@pytest.fixture(scope="module")
def renamed_erp(real_frames) -> bytes:
    return xlsx(real_frames["erp"].rename(columns={"price": "prix", "product_id": "ID"}))


def test_the_closest_columns_are_proposed_by_name_and_content(renamed_erp):
    guess = identify(renamed_erp, "erp.xlsx")
    assert guess.kind == "erp" and guess.missing == ("product_id", "price")
    price = propose_columns(guess.parsed["headers"], guess.parsed["samples"], "erp", "price")
    assert price[0].header == "prix" and "nom proche" in price[0].reasons and "valeurs numériques" in price[0].reasons
    key = propose_columns(guess.parsed["headers"], guess.parsed["samples"], "erp", "product_id")
    assert key[0].header == "ID"


def test_a_mapped_export_gives_the_reference_figures_and_says_its_mapped_columns(renamed_erp, real_paths):
    mapping = {"erp": {"price": "prix", "product_id": "ID"}}
    result = run_pipeline(renamed_erp, real_paths[1], real_paths[2], REFERENCE_CONFIG, mapping=mapping)
    assert (result.revenue_total, len(result.premium), result.checks_passed) == (70568.6, 30, True)
    assert result.sources["erp"].mapped == {"product_id": "ID", "price": "prix"}
    summary = json.loads(deliverables(result)["synthese.json"])
    assert summary["sources"]["erp"]["mapped_columns"] == {"product_id": "ID", "price": "prix"}


def test_a_wrong_mapping_fails_the_usual_checks(renamed_erp, real_paths):
    wrong = {"erp": {"price": "stock_quantity", "product_id": "ID"}}  # stocks read as prices
    result = run_pipeline(renamed_erp, real_paths[1], real_paths[2], REFERENCE_CONFIG, mapping=wrong)
    failed = {c.id for c in result.checks if c.blocking_failure}
    assert "revenue_total" in failed and not result.checks_passed


def test_the_cli_takes_a_mapping_file(renamed_erp, real_paths, tmp_path, capsys):
    (tmp_path / "erp.xlsx").write_bytes(renamed_erp)
    (tmp_path / "correspondances.yaml").write_text(mapping_yaml({"erp": {"price": "prix", "product_id": "ID"}}))
    code = main(["run", "--erp", str(tmp_path / "erp.xlsx"), "--liaison", str(real_paths[1]), "--web",
                 str(real_paths[2]), "--mapping", str(tmp_path / "correspondances.yaml"), "--out", str(tmp_path / "o")])
    out = capsys.readouterr().out
    assert code == 0 and "70 568,60 €" in out and "prix → price" in out


def test_a_mapping_to_a_column_the_file_lacks_says_the_mapping_is_what_to_fix(renamed_erp, real_paths, tmp_path,
                                                                           capsys):
    (tmp_path / "erp.xlsx").write_bytes(renamed_erp)
    (tmp_path / "correspondances.yaml").write_text(mapping_yaml({"erp": {"price": "prixx", "product_id": "ID"}}))
    code = main(["run", "--erp", str(tmp_path / "erp.xlsx"), "--liaison", str(real_paths[1]), "--web",
                 str(real_paths[2]), "--mapping", str(tmp_path / "correspondances.yaml"), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and "colonne obligatoire absente : « price »" in err
    assert "La correspondance de colonnes fait tenir « price » par « prixx », absente de ce fichier" in err
    assert "Indiquez la colonne qui en tient lieu" not in err  # the mapping did: it is the mapping to correct


@pytest.mark.parametrize("document, fragment", [
    ({"autre": {"price": "prix"}}, "export inconnu « autre »"),
    ({"erp": {"couleur": "x"}}, "colonne inconnue de l'export ERP : couleur"),
    ({"erp": {"price": "x", "stock_quantity": "x"}}, "une même colonne du fichier ERP tient lieu de deux colonnes"),
    (["erp"], "une section par export"),
])
def test_a_mapping_that_cannot_be_right_is_refused_in_french(document, fragment):
    with pytest.raises(InputError, match=fragment):
        check_mapping(document)


def test_a_mapping_file_reads_back_as_written(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(mapping_yaml({"web": {"total_sales": "Ventes"}}))
    assert load_mapping(path) == {"web": {"total_sales": "Ventes"}}
    with pytest.raises(InputError, match="n'est pas un YAML valide"):
        load_mapping(b"erp: [\n")


def test_mapping_edits_return_a_new_mapping_and_leave_the_saved_one_alone():
    saved = {"erp": {"price": "prix"}}
    added = with_columns(saved, "web", {"total_sales": "ventes"})
    assert added == {"erp": {"price": "prix"}, "web": {"total_sales": "ventes"}}
    assert without_column(added, "erp", "price") == {"erp": {}, "web": {"total_sales": "ventes"}}
    assert saved == {"erp": {"price": "prix"}}  # shared by the app's sessions: never modified in place


def test_a_column_of_the_contract_never_stands_for_another():
    with pytest.raises(InputError, match="« product_id » est déjà la colonne product_id de l'export ERP"):
        check_mapping({"erp": {"price": "product_id"}})
    assert check_mapping({"erp": {"price": "prix"}}) == {"erp": {"price": "prix"}}


def test_only_a_column_named_like_the_missing_one_is_preselected():
    from bottleneck_core.io.mapping import column_choices

    headers = ["product_id", "prix", "code"]
    samples = {"product_id": [1, 2], "prix": [10.5, 20.0], "code": [7, 8]}
    proposals, others, likely = column_choices(headers, samples, "erp", "price")
    assert [p.header for p in proposals][0] == "prix" and likely and "product_id" not in others
    proposals, others, likely = column_choices(["product_id", "code"], {"code": [7, 8]}, "erp", "price")
    assert [p.header for p in proposals] == ["code"] and not likely  # numbers alone: asked, not assumed
