"""The scheduled run as deployed: the Kestra flow's own command line runs here on the real exports."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import yaml

from conftest import REPO

FLOW = REPO / "deploy" / "kestra" / "bottleneck_monthly.yaml"


def flow() -> dict:
    return yaml.safe_load(FLOW.read_text(encoding="utf-8"))


def test_the_flow_is_scheduled_the_15th_at_9_paris_time_with_defaults_retries_and_alerts():
    spec = flow()
    assert spec["id"] == "bottleneck_monthly" and spec["namespace"]
    trigger, = spec["triggers"]
    assert trigger["type"].endswith("trigger.Schedule")
    assert (trigger["cron"], trigger["timezone"]) == ("0 9 15 * *", "Europe/Paris")
    assert all("defaults" in item for item in spec["inputs"])  # scheduled executions need no input
    task, = spec["tasks"]
    assert task["retry"]["maxAttempts"] >= 2 and task["outputFiles"] == ["out/*"]
    assert spec["errors"] and "BOTTLENECK_WEBHOOK" in json.dumps(spec["errors"])
    assert "secret(" in json.dumps(task["env"])  # secrets come from Kestra, never from the flow


def render(command: str, values: dict[str, str]) -> str:
    """Kestra's {{ … }} expressions of the flow replaced by the values an execution would give them."""
    def one(match: re.Match) -> str:
        expression = match.group(1).strip()
        if expression not in values:
            raise AssertionError(f"unexpected expression in the flow: {expression}")
        return values[expression]
    return re.sub(r"\{\{(.*?)\}\}", one, command)


def test_the_flow_command_runs_on_the_real_exports(real_data, tmp_path):
    drop = tmp_path / "depot"
    drop.mkdir()
    for name in ("erp.xlsx", "liaison.xlsx", "web.xlsx"):
        shutil.copy(real_data / name, drop / f"export_{name}")
    (drop / "lisez-moi.txt").write_text("pas un export")
    work = tmp_path / "kestra-work"
    work.mkdir()
    values = {"inputs.project_dir": str(REPO), "inputs.drop_dir": str(drop),
              "inputs.history": str(tmp_path / "history.duckdb"), "inputs.notify_email": "",
              "render(vars.period)": "2026-11", "workingDir": str(work)}
    commands = [render(c, values) for c in flow()["tasks"][0]["commands"] if "bottleneck_core run" in c]
    assert len(commands) == 1
    env = {**os.environ, "BOTTLENECK_NOTIFY_WEBHOOK": ""}
    done = subprocess.run(["bash", "-c", commands[0]], cwd=work, capture_output=True, text=True, timeout=180, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    outputs = {p.name for p in (work / "out").iterdir()}
    assert outputs == {"rapport_ca.xlsx", "vins_premium.csv", "vins_ordinaires.csv", "summary.json", "checks.json"}
    summary = json.loads((work / "out" / "summary.json").read_text())
    assert (summary["period"], summary["revenue_total"], summary["premium_count"]) == ("2026-11", 70568.6, 30)
    assert "enregistrée dans l'historique" in done.stdout


def test_cron_and_systemd_run_the_same_command():
    cron = (REPO / "deploy" / "cron.txt").read_text()
    service = (REPO / "deploy" / "systemd" / "bottleneck-monthly.service").read_text()
    timer = (REPO / "deploy" / "systemd" / "bottleneck-monthly.timer").read_text()
    assert re.search(r"^0 9 15 \* \* ", cron, re.MULTILINE) and "CRON_TZ=Europe/Paris" in cron
    assert "OnCalendar=*-*-15 09:00:00 Europe/Paris" in timer
    for text in (cron, service):
        assert "python3 -m bottleneck_core run --from-dir" in text and "--history" in text
