"""Configuration: this project's YAML, the older Kestra YAML, and French refusals of anything else."""
from __future__ import annotations

import pytest

from bottleneck_core.config import (DEFAULT_COVERAGE, REFERENCE_CHECK_IDS, Levels, check_period, load_config,
                                    parse_threshold)
from bottleneck_core.errors import InputError
from conftest import REFERENCE_CONFIG, REPO


def test_reference_config_holds_the_seven_figures_and_the_default_levels():
    config = load_config(REFERENCE_CONFIG)
    assert set(config.expectations) == set(REFERENCE_CHECK_IDS)
    assert (config.expectations["revenue_total"].expected, config.expectations["revenue_total"].tolerance) == \
        (70568.60, 0.01)
    assert config.threshold == 2.0 and config.coverage == DEFAULT_COVERAGE and config.max_change == 0.25


def test_kestra_config_reads_as_the_same_figures(real_data):
    kestra, ours = load_config(real_data / "test_config_kestra.yaml"), load_config(REFERENCE_CONFIG)
    assert kestra.expectations == ours.expectations and kestra.threshold == ours.threshold
    assert kestra.source.endswith("(format Kestra)")


def test_coverage_levels_and_the_allowed_monthly_change_can_be_set():
    config = load_config(b"coverage:\n  erp_matched: {error_below: 0.6, warning_below: 0.9}\n"
                         b"month_over_month:\n  max_relative_change: 0.4\n")
    assert config.coverage["erp_matched"] == Levels(0.6, 0.9)
    assert config.coverage["web_sales_matched"] == DEFAULT_COVERAGE["web_sales_matched"]
    assert config.max_change == 0.4 and load_config(config.to_dict()) == config.__class__(
        config.threshold, config.expectations, config.coverage, config.max_change, "configuration")


@pytest.mark.parametrize("text, fragment", [
    (b"zscore_threshold: deux\n", "« zscore_threshold » doit être un nombre"),
    (b"seuil: 2\n", "clés inconnues : seuil"),
    (b"seuil: 2\n", "ou celles de l'ancien pipeline Kestra : nettoyage, fusion, calculs, identification"),
    (b"checks:\n  revenue_total: '1.500,50'\n", "doit être un nombre, pas « 1.500,50 »"),  # two readings: refused
    (b"checks:\n  erp_rows: 12.5\n", "nombre entier"),
    (b"checks:\n  ca: 3\n", "contrôle inconnu « ca »"),
    (b"coverage:\n  erp_matched: {error_below: 80}\n", "une part entre 0 et 1"),
    (b"coverage:\n  autre: {error_below: 0.1}\n", "« coverage.autre » n'est pas reconnu"),
    (b"month_over_month:\n  max_relative_change: 0\n", "doit être positif"),
    (b"!!python/object/apply:os.system ['echo pwned']\n", "balise non autorisée"),
    (b"checks: [1, 2\n", "n'est pas un YAML valide"),
    (b"- 1\n- 2\n", "suite de clés et de valeurs"),
])
def test_bad_configs_are_refused_in_french(text, fragment):
    with pytest.raises(InputError) as err:
        load_config(text, "config.yaml")
    assert fragment in str(err.value) and "config.yaml" in str(err.value)


def test_figures_written_the_french_way_between_quotes_are_read():
    config = load_config("checks:\n  revenue_total: \"70 568,60\"\n  erp_rows: '825'\n".encode(), "config.yaml")
    assert config.expectations["revenue_total"].expected == 70568.60 and config.expectations["erp_rows"].expected == 825
    kestra = load_config("calculs:\n  ca_total: \"70\u202f568,60\"\n".encode(), "kestra.yaml")
    assert kestra.expectations["revenue_total"].expected == 70568.60


def test_a_configuration_is_summed_up_in_french_for_the_start_page(real_data):
    from bottleneck_core.views.figures import config_summary

    lines = config_summary(load_config(real_data / "test_config_kestra.yaml"))
    assert lines[0] == "Seuil de z-score : 2,00" and len(lines) == 8
    assert "Chiffre d'affaires total : 70 568,60 € (à 0,01 € près)" in lines
    assert "Lignes ERP après dédoublonnage : 825" in lines
    assert config_summary(load_config(b"zscore_threshold: 2.5\n"))[1].startswith("Aucun chiffre de référence")


def test_the_template_offered_for_download_is_the_reference_configuration_in_french():
    from bottleneck_core.config import DEFAULT_CONFIG_PATH

    text = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")
    assert "dédoublonnage" in text and "after" not in text and "rows of" not in text


def test_absent_figures_are_simply_not_expected():
    assert set(load_config(b"checks:\n  erp_rows: 825\n  merged_rows:\n").expectations) == {"erp_rows"}


@pytest.mark.parametrize("period", ["2026-13", "2026/11", "novembre", "26-11"])
def test_a_period_must_be_a_month(period):
    with pytest.raises(InputError, match="AAAA-MM"):
        check_period(period)


@pytest.mark.parametrize("text, value", [("2,5", 2.5), ("2.5", 2.5), (" 3 ", 3.0), (1.5, 1.5)])
def test_a_threshold_is_read_as_french_users_write_it(text, value):
    assert parse_threshold(text) == value


@pytest.mark.parametrize("text", ["deux", "inf", "nan", None])
def test_a_threshold_that_is_no_finite_number_is_refused(text):
    with pytest.raises(InputError, match="seuil de z-score"):
        parse_threshold(text)


def test_the_blocking_factor_and_the_plausible_median_price_can_be_set_and_are_checked():
    config = load_config(b"month_over_month: {blocking_factor: 4}\nprices: {median_min: 5, median_max: 300}\n")
    assert (config.blocking_factor, config.median_price) == (4.0, (5.0, 300.0))
    assert load_config(config.to_dict()).median_price == (5.0, 300.0)
    with pytest.raises(InputError, match="doit dépasser 1"):
        load_config(b"month_over_month: {blocking_factor: 1}\n")
    with pytest.raises(InputError, match="inférieur à « prices.median_max »"):
        load_config(b"prices: {median_min: 600}\n")
    assert load_config(REPO / "config" / "mensuel.yaml").coverage["revenue_computable"].error_below == 0.9
