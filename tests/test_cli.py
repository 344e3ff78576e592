"""The command line: exit codes 0, 1 and 2, readable French tables and messages, no traceback."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from bottleneck_core.runs.cli import build_parser, main
from conftest import REPO
from test_pipeline import edited_month

DELIVERABLES = {"rapport_ca.xlsx", "vins_premium.csv", "vins_ordinaires.csv", "synthese.json", "controles.json"}


def cli(*args: str, cwd=REPO, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bottleneck_core", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=180, env={**os.environ, **(env or {})})


def run_here(capsys, *args: str) -> tuple[int, str, str]:
    """The CLI in this process (what a subprocess would print, without its start-up cost)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_real_exports_exit_0_with_the_reference_checks_passed(real_paths, tmp_path):
    erp, liaison, web = map(str, real_paths)
    done = cli("run", "--erp", erp, "--liaison", liaison, "--web", web, "--period", "2026-10", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    for check_id in ("erp_rows", "liaison_rows", "web_clean_rows", "web_dedup_rows", "merged_rows", "revenue_total",
                     "premium_count"):
        assert any(line.startswith("OK") and line.endswith(f" {check_id}") for line in done.stdout.splitlines())
    assert "70 568,60 €" in done.stdout and "Tous les contrôles bloquants sont réussis. 4 avertissements." in done.stdout
    summary = json.loads((tmp_path / "synthese.json").read_text())
    assert summary["revenue_total"] == 70568.6 and summary["premium_count"] == 30
    assert {p.name for p in tmp_path.iterdir()} == DELIVERABLES


def test_failed_reference_checks_exit_1_and_still_write_everything(real_frames, tmp_path, capsys):
    names = []
    for kind, data in zip(("erp", "liaison", "web"), edited_month(real_frames)):
        (tmp_path / f"{kind}.xlsx").write_bytes(data)
        names.append(str(tmp_path / f"{kind}.xlsx"))
    code, out, _ = run_here(capsys, "run", "--erp", names[0], "--liaison", names[1], "--web", names[2], "--out",
                            str(tmp_path / "out"))
    assert code == 1 and "ÉCHEC" in out and "revenue_total" in out
    # Blocking failures first, under their own heading; the warnings after, under theirs.
    blocking = out.split("Contrôles bloquants en échec :\n")[1].split("Avertissements :\n")[0]
    assert "  - Chiffre d'affaires total : " in blocking and "prix négatif" not in blocking
    assert json.loads((tmp_path / "out" / "synthese.json").read_text())["checks_passed"] is False
    assert {p.name for p in (tmp_path / "out").iterdir()} == DELIVERABLES


def test_unusable_input_exits_2_with_one_french_line_and_no_file_written(real_paths, tmp_path, capsys):
    erp, liaison, web = map(str, real_paths)
    code, _, err = run_here(capsys, "run", "--erp", web, "--liaison", liaison, "--web", web, "--out", str(tmp_path / "o"))
    assert code == 2 and err.count("\n") == 1 and err.startswith("Erreur : Fichier « web.xlsx »")
    assert "ressemble à l'export WEB" in err and not (tmp_path / "o").exists()


@pytest.mark.parametrize("argv, fragment", [
    (["run", "--threshold", "deux", "--sample"], "option --threshold : le seuil de z-score « deux » n'est pas un nombre"),
    (["run", "--nope"], "arguments non reconnus : --nope"),
    (["run", "--period"], "option --period : une valeur est attendue"),
    (["compare", "2026-10"], "options obligatoires manquantes : APRES"),
    (["autre"], "choix invalide : 'autre'"),
])
def test_argument_errors_are_french_one_line_and_exit_2(argv, fragment, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and fragment in err and err.count("\n") == 1
    assert not any(word in err for word in ("invalid ", "unrecognized", "expected", "required", "usage:"))


def test_help_is_french():
    text = build_parser().format_help() + build_parser()._subparsers._group_actions[0].choices["run"].format_help()
    assert text.startswith("utilisation : python -m bottleneck_core") and "afficher cette aide et quitter" in text
    assert not any(word in text for word in ("usage:", "show this help", "positional arguments"))


def test_a_threshold_written_with_a_comma_is_accepted(tmp_path, capsys):
    code, out, _ = run_here(capsys, "run", "--sample", "--threshold", "2,5", "--out", str(tmp_path))
    assert code == 0 and "z-score > 2,50" in out and "seuil simulé" in out
    (summary,) = tmp_path.glob("synthese_*_seuil-2,50_exemple.json")  # a simulation never takes the month's names
    assert json.loads(summary.read_text())["threshold"] == 2.5


def test_a_simulated_threshold_writes_files_named_after_it_and_records_nothing(real_paths, tmp_path, capsys):
    erp, liaison, web = map(str, real_paths)
    args = ["run", "--erp", erp, "--liaison", liaison, "--web", web, "--period", "2026-11", "--out", str(tmp_path)]
    assert run_here(capsys, *args)[0] == 0  # the month's analysis of record, then a simulation in the same folder
    code, out, _ = run_here(capsys, *args, "--threshold", "2,5")
    assert code == 0 and "Simulation au seuil 2,50 : rien n'est enregistré dans l'historique" in out
    assert {p.name for p in tmp_path.iterdir()} == DELIVERABLES | {
        name.replace(".", "_2026-11_seuil-2,50.") for name in DELIVERABLES}
    assert json.loads((tmp_path / "synthese.json").read_text())["threshold"] == 2.0  # not overwritten
    assert main(["history", "--json"]) == 0 and len(json.loads(capsys.readouterr().out)) == 1


def test_run_records_in_the_history_history_and_compare_read_by_default(real_paths, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("BOTTLENECK_HISTORY")
    monkeypatch.setattr("bottleneck_core.runs.history.DEFAULT_HISTORY", tmp_path / "data" / "history.duckdb")
    erp, liaison, web = map(str, real_paths)
    code, out, _ = run_here(capsys, "run", "--erp", erp, "--liaison", liaison, "--web", web, "--period", "2026-11",
                            "--out", str(tmp_path / "out"))
    assert code == 0 and f"({tmp_path / 'data' / 'history.duckdb'})" in out
    assert main(["history", "--json"]) == 0 and [r["period"] for r in json.loads(capsys.readouterr().out)] == ["2026-11"]


def test_output_cut_short_by_its_reader_still_delivers_and_records_the_month(real_paths, tmp_path):
    erp, liaison, web = map(str, real_paths)
    command = [sys.executable, "-m", "bottleneck_core", "run", "--erp", erp, "--liaison", liaison, "--web", web,
               "--period", "2026-11", "--out", str(tmp_path)]
    read_end, write_end = os.pipe()  # run … | head -1: head reads one line and goes
    reader = subprocess.Popen(["head", "-1"], stdin=read_end, stdout=subprocess.PIPE)
    os.close(read_end)
    writer = subprocess.Popen(command, cwd=REPO, stdout=write_end, stderr=subprocess.PIPE, text=True)
    os.close(write_end)
    assert reader.communicate(timeout=180)[0] == b"SOURCES\n"
    writer.wait(timeout=180)
    writer.stderr = writer.stderr.read()
    assert writer.returncode == 0 and writer.stderr == ""
    assert {p.name for p in tmp_path.iterdir()} == DELIVERABLES
    assert main(["history", "--json"]) == 0


@pytest.mark.parametrize("problem", ["missing", "directory", "loop", "not_a_directory"])
def test_an_input_that_cannot_be_opened_is_an_input_problem_in_french(problem, tmp_path, capsys):
    path = {"missing": tmp_path / "nulle-part.xlsx", "directory": tmp_path, "loop": tmp_path / "boucle.xlsx",
            "not_a_directory": tmp_path / "fichier.txt" / "erp.xlsx"}[problem]
    if problem == "loop":
        os.symlink(path, path)
    (tmp_path / "fichier.txt").write_text("x")
    code, _, err = run_here(capsys, "run", "--erp", str(path), "--liaison", "x", "--web", "y", "--out",
                            str(tmp_path / "o"))
    expected = {"missing": "introuvable", "directory": "est un dossier", "loop": "tourne en rond",
                "not_a_directory": "n'est pas un dossier"}[problem]
    assert code == 2 and expected in err and "livrables" not in err and "Errno" not in err


def test_an_output_folder_that_cannot_be_written_is_said_in_french(tmp_path, capsys):
    (tmp_path / "out").write_text("un fichier, pas un dossier")
    code, _, err = run_here(capsys, "run", "--sample", "--out", str(tmp_path / "out" / "sous-dossier"))
    assert code == 2 and "impossible d'écrire les livrables (un élément du chemin n'est pas un dossier)" in err


def test_sample_runs_with_its_own_figures(tmp_path, capsys):
    code, out, _ = run_here(capsys, "run", "--sample", "--out", str(tmp_path))
    assert code == 0 and "Tous les contrôles bloquants sont réussis" in out and "Données d'exemple" in out


def test_every_command_and_option_is_documented_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, sub in build_parser()._subparsers._group_actions[0].choices.items():
        assert f"python -m bottleneck_core {name}" in readme, name
        for action in sub._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert option in readme, option


def drop_folder(real_paths, tmp_path):
    drop = tmp_path / "depot"
    drop.mkdir()
    for path in real_paths:
        shutil.copy(path, drop / path.name)
    return drop


def test_from_dir_takes_the_three_exports_of_the_newest_drop_and_names_them(real_paths, real_frames, tmp_path, capsys):
    drop = drop_folder(real_paths, tmp_path)
    real_frames["erp"].iloc[:100].to_csv(drop / "erp_ancien.csv", sep=";", decimal=",", index=False)
    os.utime(drop / "erp_ancien.csv", (1_600_000_000, 1_600_000_000))  # an export from 2020
    (drop / "notes.csv").write_text("bonjour\n")
    (drop / "archive_2019.xlsx").write_text("plus lisible")  # older than the three chosen: never opened
    os.utime(drop / "archive_2019.xlsx", (1_550_000_000, 1_550_000_000))
    code, out, err = run_here(capsys, "run", "--from-dir", str(drop), "--out", str(tmp_path / "out"))
    assert code == 0, err
    assert "Exports retenus : ERP erp.xlsx, LIAISON liaison.xlsx, WEB web.xlsx" in out and "70 568,60 €" in out
    assert "notes.csv" in err and "archive_2019" not in err
    summary = json.loads((tmp_path / "out" / "synthese.json").read_text())
    assert {k: v["name"] for k, v in summary["sources"].items()} == {"erp": "erp.xlsx", "liaison": "liaison.xlsx",
                                                                     "web": "web.xlsx"}


def test_from_dir_stops_on_an_unusable_newest_export_rather_than_take_last_months(real_paths, tmp_path, capsys):
    drop = drop_folder(real_paths, tmp_path)
    for path in drop.iterdir():
        os.utime(path, (1_700_000_000, 1_700_000_000))
    shutil.copy(real_paths[2], drop / "web_octobre.xlsx")
    os.utime(drop / "web_octobre.xlsx", (1_690_000_000, 1_690_000_000))  # last month's, still readable
    pd.DataFrame({"sku": ["1"], "total_sales": ["douze"], "post_title": ["x"]}).to_csv(drop / "web_nov.csv", index=False)
    code, _, err = run_here(capsys, "run", "--from-dir", str(drop), "--out", str(tmp_path / "out"))
    assert code == 2 and "l'export WEB le plus récent, « web_nov.csv », est inutilisable" in err
    assert "« douze »" in err and not (tmp_path / "out").exists()


def test_from_dir_refuses_exports_of_different_drops(real_paths, tmp_path, capsys):
    drop = drop_folder(real_paths, tmp_path)
    os.utime(drop / "web.xlsx", (1_690_000_000, 1_690_000_000))  # a month older than the other two
    code, _, err = run_here(capsys, "run", "--from-dir", str(drop), "--out", str(tmp_path / "out"))
    assert code == 2 and "ne viennent pas du même dépôt" in err and "WEB « web.xlsx »" in err
    (drop / "web.xlsx").unlink()
    code, _, err = run_here(capsys, "run", "--from-dir", str(drop), "--out", str(tmp_path / "out"))
    assert code == 2 and "il manque l'export WEB" in err


def test_a_history_unread_but_then_written_is_no_comparison_but_a_recorded_month(real_paths, tmp_path, capsys,
                                                                                monkeypatch):
    from bottleneck_core.runs import history

    def busy(*args, **kwargs):
        raise history.HistoryError("L'historique est occupé par un autre traitement depuis plus de 60 s.")

    monkeypatch.setattr(history, "previous_month", busy)  # read fails, the write a moment later succeeds
    erp, liaison, web = map(str, real_paths)
    code, out, err = run_here(capsys, "run", "--erp", erp, "--liaison", liaison, "--web", web, "--period", "2026-11",
                              "--out", str(tmp_path))
    assert code == 0 and "Historique injoignable : pas de comparaison avec le mois précédent." in out
    assert "Analyse de novembre 2026 enregistrée dans l'historique" in out and "pas de comparaison" in err
