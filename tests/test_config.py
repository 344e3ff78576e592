"""Configuration: this project's YAML, the older Kestra YAML, and French refusals of anything else."""
from __future__ import annotations

import pytest

from bottleneck_core.config import REFERENCE_CHECK_IDS, check_period, load_config
from bottleneck_core.errors import InputError
from conftest import REFERENCE_CONFIG


def test_reference_config_holds_the_seven_figures():
    config = load_config(REFERENCE_CONFIG)
    assert set(config.expectations) == set(REFERENCE_CHECK_IDS)
    assert config.expectations["revenue_total"].expected == 70568.60
    assert config.expectations["revenue_total"].tolerance == 0.01
    assert config.threshold == 2.0


def test_kestra_config_reads_as_the_same_figures(real_data):
    kestra = load_config(real_data / "test_config_kestra.yaml")
    ours = load_config(REFERENCE_CONFIG)
    assert kestra.expectations == ours.expectations
    assert kestra.threshold == ours.threshold


@pytest.mark.parametrize("text, fragment", [
    (b"zscore_threshold: deux\n", "« zscore_threshold » doit être un nombre"),
    (b"seuil: 2\n", "clés inconnues : seuil"),
    (b"checks:\n  erp_rows: 12.5\n", "nombre entier"),
    (b"checks:\n  ca: 3\n", "contrôle inconnu « ca »"),
    (b"!!python/object/apply:os.system ['echo pwned']\n", "balise non autorisée"),
    (b"checks: [1, 2\n", "n'est pas un YAML valide"),
    (b"- 1\n- 2\n", "suite de clés et de valeurs"),
])
def test_bad_configs_are_refused_in_french(text, fragment):
    with pytest.raises(InputError) as err:
        load_config(text, "config.yaml")
    assert fragment in str(err.value)
    assert "config.yaml" in str(err.value)


def test_absent_figures_are_simply_not_expected():
    config = load_config(b"checks:\n  erp_rows: 825\n  merged_rows:\n")
    assert set(config.expectations) == {"erp_rows"}


@pytest.mark.parametrize("period", ["2026-13", "2026/11", "novembre", "26-11"])
def test_a_period_must_be_a_month(period):
    with pytest.raises(InputError, match="AAAA-MM"):
        check_period(period)


def test_no_period_means_the_current_month():
    assert len(check_period(None)) == 7
