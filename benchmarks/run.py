"""The monthly run measured side by side with the seed's approach, at scale, in the app and as a CLI.

    python -m benchmarks            # prints the table, writes benchmarks/results/latest.json
    python -m benchmarks --quick    # fewer runs, scales up to 100x (a smoke run)
"""
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
sys.path.insert(0, str(REPO))  # also when run as `python benchmarks/run.py`

from bottleneck_core.formatting import integer, number  # noqa: E402
DATA = Path(os.environ.get("BOTTLENECK_DATA", REPO.parent / "shared" / "data" / "bottleneck"))
RESULTS = REPO / "benchmarks" / "results"
TARGETS = {"real_ms": 170, "speedup": 4.0, "x1000_s": 8.0, "x1000_mib": 2048, "slider_ms": 100, "cli_s": 1.5}


def spread(samples: list[float]) -> dict:
    """Median and spread of timings, in milliseconds."""
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=4) if len(ordered) >= 4 else [ordered[0], ordered[-1], ordered[-1]]
    return {"median_ms": statistics.median(ordered) * 1000, "p25_ms": q[0] * 1000, "p75_ms": q[2] * 1000,
            "min_ms": ordered[0] * 1000, "max_ms": ordered[-1] * 1000, "runs": len(ordered)}


def real_monthly_run(runs: int) -> dict:
    """(a) + (b): ours and the seed's approach, alternated in this process, bytes in to deliverables out."""
    from benchmarks.baseline import seed_monthly_run
    from bottleneck_core import run_pipeline
    from bottleneck_core.config import DEFAULT_CONFIG_PATH, load_config

    files = [(DATA / f"{kind}.xlsx").read_bytes() for kind in ("erp", "liaison", "web")]
    # Both check the month against the same reference figures, as the scheduled run does.
    config = load_config(DEFAULT_CONFIG_PATH)
    ours = run_pipeline(*files, config=config).exports()  # warm-up, and the figures must agree
    seed = seed_monthly_run(*files, config)
    agreed = all(json.loads(ours["summary.json"])[key] == json.loads(seed["summary.json"])[key]
                 for key in ("rows", "revenue_total", "premium_count", "checks_passed"))
    ours_times, seed_times = [], []
    for _ in range(runs):
        start = time.perf_counter()
        run_pipeline(*files, config=config).exports()
        ours_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        seed_monthly_run(*files, config)
        seed_times.append(time.perf_counter() - start)
    ours_stats, seed_stats = spread(ours_times), spread(seed_times)
    return {"ours": ours_stats, "seed": seed_stats, "figures_agree": agreed,
            "speedup": seed_stats["median_ms"] / ours_stats["median_ms"]}


def scales(factors: list[int]) -> list[dict]:
    """(c): synthetic months end to end, each in a fresh process for its own peak memory."""
    found = []
    with tempfile.TemporaryDirectory() as tmp:
        for factor in factors:
            folder = Path(tmp) / f"x{factor}"
            subprocess.run([sys.executable, "-m", "benchmarks.scale", "generate", str(factor), "parquet", str(folder)],
                           cwd=REPO, check=True)
            best = None
            for _ in range(3 if factor <= 100 else 1):
                done = subprocess.run([sys.executable, "-m", "benchmarks.scale", "run", str(factor), "parquet",
                                       str(folder)], cwd=REPO, check=True, capture_output=True, text=True)
                measured = json.loads(done.stdout.strip().splitlines()[-1])
                if best is None or measured["seconds"] < best["seconds"]:
                    best = measured
            found.append(best)
    return found


def app_timings(runs: int) -> dict:
    """(d): through AppTest, upload to first rendered checks, and a slider move on the premium page."""
    import logging

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    files = [(f"{kind}.xlsx", (DATA / f"{kind}.xlsx").read_bytes(), "application/octet-stream")
             for kind in ("erp", "liaison", "web")]
    uploads, slides = [], []
    for _ in range(runs):
        # Outside a Streamlit runtime, clearing a cache and creating an AppTest each log a bare-mode warning.
        logging.disable(logging.WARNING)
        try:
            st.cache_data.clear()  # every upload is a first upload: identified and analysed anew
            st.cache_resource.clear()
            app = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
        finally:
            logging.disable(logging.NOTSET)
        app.run()
        start = time.perf_counter()
        app.file_uploader(key="uploader").set_value(files).run()
        uploads.append(time.perf_counter() - start)
        assert app.success, "the analysis did not render its checks"
        app.switch_page("pages/premium.py").run()
        for value in (1.5, 2.5, 2.0):
            start = time.perf_counter()
            app.select_slider(key="threshold_slider").set_value(value).run()
            slides.append(time.perf_counter() - start)
    return {"upload_to_checks": spread(uploads), "slider_move": spread(slides)}


def cli_timing(runs: int) -> dict:
    """(e): the whole CLI process on the real exports."""
    samples = []
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "bottleneck_core", "run", "--erp", str(DATA / "erp.xlsx"), "--liaison",
                   str(DATA / "liaison.xlsx"), "--web", str(DATA / "web.xlsx"), "--out", out]
        subprocess.run(command, cwd=REPO, check=True, capture_output=True)
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command, cwd=REPO, check=True, capture_output=True)
            samples.append(time.perf_counter() - start)
    return spread(samples)


def verdicts(report: dict) -> list[tuple[str, str, str, bool]]:
    real, series = report["real"], {s["factor"]: s for s in report["scales"]}
    rows = [
        ("Analyse mensuelle réelle (médiane)", f"{real['ours']['median_ms']:.0f} ms", f"≤ {TARGETS['real_ms']} ms",
         real["ours"]["median_ms"] <= TARGETS["real_ms"]),
        ("Gain sur l'approche d'origine", f"× {number(real['speedup'], 1)}", f"≥ × {TARGETS['speedup']:.0f}",
         real["speedup"] >= TARGETS["speedup"]),
    ]
    if 1000 in series:
        big = series[1000]
        rows += [("1000x : durée", f"{number(big['seconds'], 1)} s", f"≤ {TARGETS['x1000_s']:.0f} s",
                  big["seconds"] <= TARGETS["x1000_s"]),
                 ("1000x : mémoire maximale", f"{integer(big['peak_rss_mib'])} Mio",
                  f"≤ {integer(TARGETS['x1000_mib'])} Mio",
                  big["peak_rss_mib"] <= TARGETS["x1000_mib"])]
    if 10 in series and max(series) > 10:
        top = max(series)
        growth = (series[top]["seconds"] / series[10]["seconds"]) / (top / 10)
        rows.append((f"Croissance 10x → {top}x (1 = linéaire)", number(growth, 2), "≤ 1", growth <= 1.0))
    if "app" in report:
        slider = report["app"]["slider_move"]["median_ms"]
        rows.append(("Curseur premium (AppTest)", f"{slider:.0f} ms", f"≤ {TARGETS['slider_ms']} ms",
                     slider <= TARGETS["slider_ms"]))
    if "cli" in report:
        cli = report["cli"]["median_ms"] / 1000
        rows.append(("CLI, processus entier", f"{number(cli, 2)} s", f"≤ {number(TARGETS['cli_s'], 1)} s",
                     cli <= TARGETS["cli_s"]))
    return rows


def print_report(report: dict) -> None:
    real = report["real"]
    print(f"Machine : {report['machine']}")
    print("\n(a, b) Analyse mensuelle sur les exports réels, octets → livrables, même processus, alternées")
    print(f"{'':26}{'médiane':>10}{'p25':>9}{'p75':>9}{'min':>9}{'max':>9}")
    for label, stats in (("bottleneck_core", real["ours"]), ("approche d'origine", real["seed"])):
        print(f"{label:26}{stats['median_ms']:>8.0f}ms{stats['p25_ms']:>7.0f}ms{stats['p75_ms']:>7.0f}ms"
              f"{stats['min_ms']:>7.0f}ms{stats['max_ms']:>7.0f}ms")
    print(f"rapport : × {number(real['speedup'], 1)} ; mêmes chiffres : {'oui' if real['figures_agree'] else 'NON'}")
    print("\n(c) Données synthétiques (Parquet, sans le rapport xlsx), un processus par taille")
    print(f"{'taille':>7}{'lignes WEB':>12}{'durée':>10}{'ms / 1000 lignes':>18}{'mémoire max':>14}")
    for s in report["scales"]:
        print(f"{s['factor']:>6}x{integer(s['web_rows']):>12}{number(s['seconds'], 2):>8} s"
              f"{number(s['seconds'] * 1e6 / s['web_rows'], 2):>18}{integer(s['peak_rss_mib']):>10} Mio")
    if "app" in report:
        app = report["app"]
        print("\n(d) Application (AppTest)")
        print(f"dépôt des 3 fichiers → contrôles affichés : {app['upload_to_checks']['median_ms']:.0f} ms (médiane)")
        print(f"déplacement du curseur premium : {app['slider_move']['median_ms']:.0f} ms (médiane)")
    if "cli" in report:
        print(f"\n(e) CLI sur les exports réels, processus entier : {number(report['cli']['median_ms'] / 1000, 2)} s "
              "(médiane)")
    print("\nObjectifs")
    for label, value, target, ok in verdicts(report):
        print(f"  {'OK ' if ok else 'NON'}  {label:42}{value:>12}   objectif {target}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="moins de mesures, tailles jusqu'à 100x")
    parser.add_argument("--json", default=str(RESULTS / "latest.json"), help="où écrire les résultats")
    args = parser.parse_args(argv)
    runs = 5 if args.quick else 21
    report = {"machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cœurs, "
                         f"Python {platform.python_version()}",
              "real": real_monthly_run(runs)}
    report["scales"] = scales([1, 10, 100] if args.quick else [1, 10, 100, 1000])
    report["app"] = app_timings(2 if args.quick else 5)
    report["cli"] = cli_timing(3 if args.quick else 7)
    report["verdicts"] = [{"what": w, "value": v, "target": t, "met": ok} for w, v, t, ok in verdicts(report)]
    print_report(report)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nRésultats : {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
