"""The command line, as a subprocess: exit codes 0, 1 and 2, readable tables, no traceback."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPO
from test_pipeline import edited_month


def cli(*args: str, cwd=REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bottleneck_core", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_real_exports_exit_0_with_the_seven_reference_checks_passed(real_paths, tmp_path):
    erp, liaison, web = map(str, real_paths)
    done = cli("run", "--erp", erp, "--liaison", liaison, "--web", web, "--period", "2026-10", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    for check_id in ("erp_rows", "liaison_rows", "web_clean_rows", "web_dedup_rows", "merged_rows",
                     "revenue_total", "premium_count"):
        assert any(line.startswith("OK") and f" {check_id} " in line for line in done.stdout.splitlines()), check_id
    assert "70 568,60 €" in done.stdout
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["revenue_total"] == 70568.6 and summary["premium_count"] == 30
    assert {p.name for p in tmp_path.iterdir()} == {"rapport_ca.xlsx", "vins_premium.csv", "vins_ordinaires.csv",
                                                    "summary.json", "checks.json"}


def test_failed_reference_checks_exit_1_and_still_write_everything(real_paths, tmp_path):
    names = []
    for kind, data in zip(("erp", "liaison", "web"), edited_month(real_paths)):
        path = tmp_path / f"{kind}.xlsx"
        path.write_bytes(data)
        names.append(str(path))
    out = tmp_path / "out"
    done = cli("run", "--erp", names[0], "--liaison", names[1], "--web", names[2], "--out", str(out))
    assert done.returncode == 1
    assert "ÉCHEC" in done.stdout and "revenue_total" in done.stdout
    assert json.loads((out / "summary.json").read_text())["checks_passed"] is False
    assert (out / "rapport_ca.xlsx").stat().st_size > 0


def test_unusable_input_exits_2_with_one_french_line(real_paths, tmp_path):
    erp, liaison, web = map(str, real_paths)
    done = cli("run", "--erp", web, "--liaison", liaison, "--web", web, "--out", str(tmp_path))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("Erreur : Fichier « web.xlsx »")
    assert "ressemble à l'export WEB" in done.stderr
    assert not any(tmp_path.iterdir())


def test_missing_file_and_bad_arguments_exit_2(tmp_path):
    done = cli("run", "--erp", "nulle-part.xlsx", "--liaison", "x", "--web", "y", "--out", str(tmp_path))
    assert done.returncode == 2 and "introuvable" in done.stderr and "Traceback" not in done.stderr
    done = cli("run", "--period", "novembre", "--sample", "--out", str(tmp_path))
    assert done.returncode == 2 and "AAAA-MM" in done.stderr
    done = cli("run", "--nope")
    assert done.returncode == 2 and "arguments invalides" in done.stderr


def test_sample_runs_with_its_own_figures(tmp_path):
    done = cli("run", "--sample", "--out", str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Tous les contrôles bloquants sont réussis" in done.stdout


def test_every_command_and_option_is_documented_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    from bottleneck_core.cli import build_parser

    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    for name, sub in commands.items():
        assert f"python -m bottleneck_core {name}" in readme, name
        for action in sub._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert option in readme, option


def test_from_dir_takes_the_newest_export_of_each_kind(real_paths, tmp_path):
    import os
    import shutil

    import pandas as pd

    drop = tmp_path / "depot"
    drop.mkdir()
    for path in real_paths:
        shutil.copy(path, drop / path.name)
    older = pd.read_excel(real_paths[0], engine="calamine").iloc[:100]
    older.to_csv(drop / "erp_ancien.csv", sep=";", decimal=",", index=False)
    os.utime(drop / "erp_ancien.csv", (1_600_000_000, 1_600_000_000))  # an export from 2020
    (drop / "notes.csv").write_text("bonjour\n")
    (drop / "archive_2019.xlsx").write_text("plus lisible")  # older than the three chosen: never opened
    os.utime(drop / "archive_2019.xlsx", (1_550_000_000, 1_550_000_000))
    done = cli("run", "--from-dir", str(drop), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "Exports retenus : ERP erp.xlsx" in done.stdout and "70 568,60 €" in done.stdout
    assert "notes.csv" in done.stderr and "Traceback" not in done.stderr
    assert "archive_2019" not in done.stderr
    (drop / "web.xlsx").unlink()
    done = cli("run", "--from-dir", str(drop), "--out", str(tmp_path / "out2"))
    assert done.returncode == 2 and "il manque l'export WEB" in done.stderr
