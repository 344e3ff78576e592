"""The scheduled run as deployed: the Kestra flow's own command line runs here, and a failed month is told once."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import yaml

from conftest import REPO, xlsx

FLOW = REPO / "deploy" / "kestra" / "bottleneck_monthly.yaml"
DELIVERABLES = {"rapport_ca.xlsx", "vins_premium.csv", "vins_ordinaires.csv", "synthese.json", "controles.json"}


def flow() -> dict:
    return yaml.safe_load(FLOW.read_text(encoding="utf-8"))


def test_the_flow_is_scheduled_the_15th_at_9_paris_time_with_defaults_retries_and_alerts():
    spec = flow()
    assert spec["id"] == "bottleneck_monthly" and spec["namespace"]
    trigger, = spec["triggers"]
    assert trigger["type"].endswith("trigger.Schedule")
    assert (trigger["cron"], trigger["timezone"]) == ("0 9 15 * *", "Europe/Paris")
    assert all("defaults" in item for item in spec["inputs"])  # scheduled executions need no input
    analyse, failed_month = spec["tasks"]
    assert analyse["retry"]["maxAttempts"] >= 2 and analyse["outputFiles"] == ["out/*"]
    assert spec["errors"] and "BOTTLENECK_WEBHOOK" in json.dumps(spec["errors"])
    assert all("secret(" in value for value in analyse["env"].values())  # secrets come from Kestra
    assert failed_month["then"][0]["type"].endswith("execution.Exit") and failed_month["then"][0]["state"] == "WARNING"


def render(command: str, values: dict[str, str]) -> str:
    """Kestra's {{ … }} expressions of the flow replaced by the values an execution would give them."""
    def one(match: re.Match) -> str:
        expression = match.group(1).strip()
        if expression not in values:
            raise AssertionError(f"unexpected expression in the flow: {expression}")
        return values[expression]
    return re.sub(r"\{\{(.*?)\}\}", one, command)


def run_flow_command(real_data, tmp_path, config: str | None = None,
                     exports: dict[str, bytes] | None = None) -> tuple[subprocess.CompletedProcess, object]:
    drop = tmp_path / "depot"
    drop.mkdir(parents=True)
    for name in ("erp.xlsx", "liaison.xlsx", "web.xlsx"):
        if exports:
            (drop / f"export_{name}").write_bytes(exports[name.split(".")[0]])
        else:
            shutil.copy(real_data / name, drop / f"export_{name}")
    (drop / "lisez-moi.txt").write_text("pas un export")
    work = tmp_path / "kestra-work"
    work.mkdir()
    values = {"inputs.project_dir": str(REPO), "inputs.drop_dir": str(drop), "inputs.notify_email": "",
              "render(vars.period)": "2026-11", "workingDir": str(work)}
    commands = [render(c, values) for c in flow()["tasks"][0]["commands"] if "bottleneck_core run" in c]
    assert len(commands) == 1
    env = {**os.environ, "BOTTLENECK_NOTIFY_WEBHOOK": "", "BOTTLENECK_HISTORY": str(tmp_path / "history.duckdb")}
    if config:
        (tmp_path / "config.yaml").write_text(config)
        commands[0] = commands[0].replace("--config config/mensuel.yaml", f"--config {tmp_path / 'config.yaml'}")
    done = subprocess.run(["bash", "-c", commands[0]], cwd=work, capture_output=True, text=True, timeout=180, env=env)
    return done, work


def test_the_flow_command_runs_on_the_real_exports(real_data, tmp_path):
    done, work = run_flow_command(real_data, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert {p.name for p in (work / "out").iterdir()} == DELIVERABLES
    summary = json.loads((work / "out" / "synthese.json").read_text())
    assert (summary["period"], summary["revenue_total"], summary["premium_count"]) == ("2026-11", 70568.6, 30)
    assert "enregistrée dans l'historique" in done.stdout and "::{" not in done.stdout


def test_the_scheduled_configuration_lets_a_new_month_pass_and_still_blocks_a_0_euro_month(real_data, real_frames,
                                                                                            tmp_path):
    # The reference figures of config/test_config.yaml belong to November 2026's exports: the scheduled run
    # uses config/mensuel.yaml, or every other month would fail on them.
    from test_pipeline import edited_month

    month = dict(zip(("erp", "liaison", "web"), edited_month(real_frames)))
    done, work = run_flow_command(real_data, tmp_path / "nouveau", exports=month)
    assert done.returncode == 0 and "::{" not in done.stdout, done.stdout
    assert json.loads((work / "out" / "synthese.json").read_text())["checks_passed"] is True
    no_sales = {**month, "web": xlsx(real_frames["web"].assign(total_sales=0))}
    done, work = run_flow_command(real_data, tmp_path / "sans_ventes", exports=no_sales)
    assert '::{"outputs":{"checks_failed":true}}::' in done.stdout and "revenue_positive" in done.stdout


def test_a_failed_month_completes_the_task_once_and_says_so_to_the_flow(real_data, tmp_path):
    done, work = run_flow_command(real_data, tmp_path, config="checks:\n  premium_count: 12\n")
    assert done.returncode == 0  # not retried: the analysis completed, and notified the team itself
    assert '::{"outputs":{"checks_failed":true}}::' in done.stdout
    assert json.loads((work / "out" / "synthese.json").read_text())["checks_passed"] is False


def test_cron_and_systemd_run_the_same_command():
    cron = (REPO / "deploy" / "cron.txt").read_text()
    service = (REPO / "deploy" / "systemd" / "bottleneck-monthly.service").read_text()
    timer = (REPO / "deploy" / "systemd" / "bottleneck-monthly.timer").read_text()
    assert re.search(r"^0 9 15 \* \* ", cron, re.MULTILINE) and "CRON_TZ=Europe/Paris" in cron
    assert "OnCalendar=*-*-15 09:00:00 Europe/Paris" in timer
    kestra = next(c for c in flow()["tasks"][0]["commands"] if "bottleneck_core run" in c)
    options = [set(re.findall(r"(--[a-z-]+)", text.split("bottleneck_core run", 1)[1])) for text in (cron, service, kestra)]
    assert options[0] == options[1] == options[2] - {"--notify-email"}  # Kestra also e-mails when asked
    assert {"--from-dir", "--config", "--period", "--out"} <= options[0]
    # The history is BOTTLENECK_HISTORY, the one the app reads: an option here would record elsewhere.
    assert "--history" not in options[0] | options[2]
    assert all("--config config/mensuel.yaml" in text for text in (cron, service, kestra))
