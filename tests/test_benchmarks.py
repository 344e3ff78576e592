"""The benchmark's baseline must find the same figures as the product, or its ratio means nothing."""
from __future__ import annotations

import json
import sys

from conftest import REPO


def test_the_seed_baseline_finds_the_reference_figures(real_paths):
    sys.path.insert(0, str(REPO))
    from benchmarks.baseline import seed_monthly_run

    files = seed_monthly_run(*(p.read_bytes() for p in real_paths))
    assert json.loads(files["summary.json"]) == {"revenue_total": 70568.6, "premium_count": 30, "merged": 714}
    assert set(files) == {"rapport_ca.xlsx", "vins_premium.csv", "vins_ordinaires.csv", "summary.json"}
