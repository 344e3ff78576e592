"""The monthly run measured where users wait for it, side by side in one run (never a timed test):

    python -m benchmarks           # prints the table, writes benchmarks/results/latest.json
    python -m benchmarks --quick   # fewer runs, a 15 000-row large month (a smoke run)

(a) in this process, the analysis and the seed's approach, bytes in to deliverables out, alternated;
(b) the CLI as the scheduled run starts it (recording a new month in its history), a cold process each time,
    against a plain script of the same job;
(c) the CLI on a large month (150 000 WEB rows, all 28 columns, recorded too), with the peak memory of its whole
    process tree.
The browser is measured by `python -m benchmarks.browser`."""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("BOTTLENECK_DATA", REPO.parent / "shared" / "data" / "bottleneck"))
RESULTS = REPO / "benchmarks" / "results"
TARGETS = {"speedup": 3.5}


def spread(samples: list[float]) -> dict:
    """Median and spread of timings, in milliseconds."""
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=4) if len(ordered) >= 4 else [ordered[0], ordered[-1], ordered[-1]]
    return {"median_ms": statistics.median(ordered) * 1000, "p25_ms": q[0] * 1000, "p75_ms": q[2] * 1000,
            "min_ms": ordered[0] * 1000, "max_ms": ordered[-1] * 1000, "runs": len(ordered)}


def in_process(runs: int) -> dict:
    """(a): ours and the seed's approach, alternated in this process, from the files' bytes to the deliverables'."""
    from benchmarks.baseline import seed_monthly_run
    from bottleneck_core import deliverables, run_pipeline
    from bottleneck_core.config import DEFAULT_CONFIG_PATH, load_config

    files = [(DATA / f"{kind}.xlsx").read_bytes() for kind in ("erp", "liaison", "web")]
    config = load_config(DEFAULT_CONFIG_PATH)  # both check the month against the same reference figures
    ours, seed = deliverables(run_pipeline(*files, config=config)), seed_monthly_run(*files, config)  # warm-up
    agreed = all(json.loads(ours["synthese.json"])[k] == json.loads(seed["synthese.json"])[k]
                 for k in ("revenue_total", "premium_count", "ordinary_count", "checks_passed"))
    ours_times, seed_times = [], []
    for _ in range(runs):
        start = time.perf_counter()
        deliverables(run_pipeline(*files, config=config))
        ours_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        seed_monthly_run(*files, config)
        seed_times.append(time.perf_counter() - start)
    ours_stats, seed_stats = spread(ours_times), spread(seed_times)
    return {"ours": ours_stats, "seed": seed_stats, "figures_agree": agreed,
            "speedup": seed_stats["median_ms"] / ours_stats["median_ms"]}


def tree_rss(root: int) -> int:
    """The resident memory of a process and all its descendants, in bytes (read from /proc)."""
    parents, rss = {}, {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry)], rss[int(entry)] = int(fields[1]), int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
            except (OSError, IndexError, ValueError):
                continue
    tree, grew = {root}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sum(rss.get(pid, 0) for pid in tree)


def timed_process(command: list[str], watch_memory: bool = False, history: str | None = None
                  ) -> tuple[float, int, subprocess.CompletedProcess]:
    """Wall time of a whole process and, if asked, the peak memory of its process tree (sampled every 10 ms)."""
    env = {**os.environ, "BOTTLENECK_HISTORY": history} if history else None
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    peak = 0
    while watch_memory and process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.01)
    out, err = process.communicate()
    seconds = time.perf_counter() - start
    return seconds, peak, subprocess.CompletedProcess(command, process.returncode, out, err)


def cli_against_plain(runs: int) -> dict:
    """(b): the CLI and the plain script, each in a cold process, alternated. The CLI does what the scheduled run
    does: it compares the month with the previous one in its history and records it there, a new month each time
    (the plain script keeps no history)."""
    with tempfile.TemporaryDirectory() as out:
        history = f"{out}/historique.duckdb"
        cli = [sys.executable, "-m", "bottleneck_core", "run", "--erp", str(DATA / "erp.xlsx"), "--liaison",
               str(DATA / "liaison.xlsx"), "--web", str(DATA / "web.xlsx"), "--out", f"{out}/cli"]
        plain = [sys.executable, "-m", "benchmarks.plain", str(DATA), f"{out}/plain"]
        for command in (cli + ["--period", "2020-01"], plain):  # warm the disk cache, check both work
            done = timed_process(command, history=history)[2]
            if done.returncode:
                raise SystemExit(done.stderr.decode())
        ours, theirs = [], []
        for run in range(runs):
            ours.append(timed_process(cli + ["--period", f"{2021 + run // 12}-{run % 12 + 1:02d}"], history=history)[0])
            theirs.append(timed_process(plain)[0])
    imports = subprocess.run([sys.executable, "-X", "importtime", "-c", "import scipy.stats"], capture_output=True,
                             text=True).stderr.splitlines()[-1]
    return {"cli": spread(ours), "plain": spread(theirs),
            "scipy_stats_import_ms": int(imports.split("|")[1]) / 1000}


def large_month(rows: int) -> dict:
    """(c): the CLI on a large month, whole process, with the peak memory of its process tree."""
    from benchmarks.large import build

    folder = RESULTS / f"large_{rows}"
    paths = build(folder, rows)
    with tempfile.TemporaryDirectory() as out:
        config = Path(out, "sans_references.yaml")  # another month: no reference figure of the real exports
        config.write_text("zscore_threshold: 2\n")
        seconds, peak, done = timed_process([sys.executable, "-m", "bottleneck_core", "run", "--erp", str(paths["erp"]),
                                             "--liaison", str(paths["liaison"]), "--web", str(paths["web"]),
                                             "--config", str(config), "--out", f"{out}/livrables"], watch_memory=True,
                                            history=f"{out}/historique.duckdb")
        out = f"{out}/livrables"
        summary = json.loads(Path(out, "synthese.json").read_text()) if done.returncode in (0, 1) else {}
    return {"web_rows": summary.get("rows", {}).get("web_raw"), "merged": summary.get("rows", {}).get("merged"),
            "seconds": seconds, "peak_mib": peak / 2**20, "exit_code": done.returncode,
            "web_mib": paths["web"].stat().st_size / 2**20}


def print_report(report: dict) -> None:
    from bottleneck_core.formatting import integer, number

    real, cli, large = report["in_process"], report["cli"], report["large"]
    print(f"Machine : {report['machine']}\n")
    print("(a) Analyse mensuelle, octets des trois exports → livrables, même processus, en alternance")
    for label, stats in (("bottleneck_core", real["ours"]), ("approche d'origine", real["seed"])):
        print(f"  {label:22}{integer(stats['median_ms']):>6} ms   (p25 {integer(stats['p25_ms'])} – p75 "
              f"{integer(stats['p75_ms'])} ms)")
    print(f"  gain : × {number(real['speedup'], 1)} (objectif ≥ × {number(TARGETS['speedup'], 1)}) ; mêmes chiffres : "
          f"{'oui' if real['figures_agree'] else 'NON'}")
    print("\n(b) Ligne de commande, processus entier à froid, en alternance avec le script simple")
    for label, stats in (("CLI bottleneck_core", cli["cli"]), ("script simple", cli["plain"])):
        print(f"  {label:22}{number(stats['median_ms'] / 1000, 2):>6} s   (p25 {number(stats['p25_ms'] / 1000, 2)} – "
              f"p75 {number(stats['p75_ms'] / 1000, 2)} s)")
    verdict = "n'est pas plus lente" if cli["cli"]["median_ms"] <= cli["plain"]["median_ms"] else "est PLUS LENTE"
    print(f"  la CLI {verdict} (import de scipy.stats, payé par les deux : {number(cli['scipy_stats_import_ms'] / 1000, 2)} s)")
    print(f"\n(c) Grand mois : {integer(large['web_rows'] or 0)} lignes WEB ({number(large['web_mib'], 1)} Mo), "
          f"{integer(large['merged'] or 0)} produits fusionnés")
    print(f"  CLI, processus entier : {number(large['seconds'], 1)} s ; mémoire maximale de l'arbre de processus : "
          f"{integer(large['peak_mib'])} Mio (code de sortie {large['exit_code']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="moins de mesures, un grand mois de 15 000 lignes")
    parser.add_argument("--json", default=str(RESULTS / "latest.json"), help="où écrire les résultats")
    args = parser.parse_args(argv)
    report = {"machine": f"{platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}",
              "in_process": in_process(5 if args.quick else 21),
              "cli": cli_against_plain(3 if args.quick else 9),
              "large": large_month(15_000 if args.quick else 150_000)}
    print_report(report)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nRésultats : {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
