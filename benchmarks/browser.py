"""The app as users wait for it, in Debian's Chromium driven by Playwright: `python -m benchmarks.browser`.

In one run, alone and then with 4 sessions at once on the same server, each measured from the user's action to
what it shows being on screen and the script finished:
  - the floor: a bare Streamlit rerun of a trivial page of its own (a button and a counter);
  - upload of the three real exports → the checks' banner;
  - a step of the premium slider → the premium count updated;
  - a page switch (Chiffre d'affaires ↔ Vins premium) → the page complete, charts drawn.
Prints medians and their ratio to the floor, and writes benchmarks/results/browser.json."""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("BOTTLENECK_DATA", REPO.parent / "shared" / "data" / "bottleneck"))
RESULTS = REPO / "benchmarks" / "results"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]
FLOOR_APP = """
import streamlit as st
st.session_state.setdefault("runs", 0)
if st.button("Relancer"):
    st.session_state.runs += 1
st.write(f"Exécutions : {st.session_state.runs}")
"""
TARGETS = {"floor_ratio": 3.0, "upload_s": 1.0, "crowd_ratio": 2.0}


def start(app: Path, folder: Path) -> tuple[subprocess.Popen, str]:
    """A Streamlit app as the browser tests start it (same flags, own history)."""
    sys.path.insert(0, str(REPO / "tests"))
    from e2e.conftest import start_app

    return start_app(folder, log_name=f"benchmark_{app.stem}.log", repo=app.parent, script=app.name)


async def idle(page) -> None:
    await page.wait_for_timeout(50)
    await page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=120_000)


async def floor_session(browser, url: str, steps: int) -> list[float]:
    context = await browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    await page.goto(url)
    await page.get_by_text("Exécutions : 0").wait_for()
    times = []
    for step in range(1, steps + 1):
        start_at = time.perf_counter()
        await page.get_by_role("button", name="Relancer").click()
        await page.get_by_text(f"Exécutions : {step}").wait_for()
        await idle(page)
        times.append(time.perf_counter() - start_at)
    await context.close()
    return times


async def app_session(browser, url: str, steps: int) -> dict[str, list[float]]:
    """One product manager: upload, slider steps, page switches."""
    context = await browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(120_000)
    await page.goto(url)
    await page.get_by_text("Données du mois").first.wait_for()
    start_at = time.perf_counter()
    await page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
        [str(DATA / f"{kind}.xlsx") for kind in ("erp", "liaison", "web")])
    await page.get_by_text("Tous les contrôles bloquants sont réussis").first.wait_for()
    await idle(page)
    upload = time.perf_counter() - start_at

    async def switch(title: str, charts: int) -> float:
        begin = time.perf_counter()
        await page.locator('[data-testid="stSidebarNav"] a', has_text=title).click()
        await page.get_by_role("heading", name=title).first.wait_for()
        await page.locator('[data-testid="stPlotlyChart"] .main-svg').nth(2 * charts - 1).wait_for()
        await idle(page)
        return time.perf_counter() - begin

    switches = [await switch("Vins premium", 1)]
    slider = page.get_by_role("slider").first
    steps_taken = []
    for step in range(steps):
        await slider.focus()
        before = await page.locator('[data-testid="stMarkdownContainer"]', has_text="vins premium").first.inner_text()
        begin = time.perf_counter()
        await page.keyboard.press("ArrowLeft" if step % 2 == 0 else "ArrowRight")
        await page.wait_for_function(
            "before => [...document.querySelectorAll('[data-testid=stMarkdownContainer]')]"
            ".some(e => e.innerText.includes('vins premium') && e.innerText !== before)", arg=before)
        await idle(page)
        steps_taken.append(time.perf_counter() - begin)
    for step in range(steps):
        switches.append(await switch("Chiffre d'affaires", 3) if step % 2 == 0 else await switch("Vins premium", 1))
    await context.close()
    return {"upload": [upload], "slider": steps_taken, "switch": switches[1:]}


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def measure(steps: int, crowd: int) -> dict:
    from playwright.async_api import async_playwright

    report = {}
    with tempfile.TemporaryDirectory() as folder:
        floor_file = Path(folder) / "plancher.py"
        floor_file.write_text(FLOOR_APP)
        floor_server, floor_url = start(floor_file, Path(folder))
        app_server, app_url = start(REPO / "app.py", Path(folder))
        try:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                await floor_session(browser, floor_url, 2)  # warm-up: the first connection loads the front end
                await app_session(browser, app_url, 1)
                for label, sessions in (("alone", 1), ("crowd", crowd)):
                    floors = await asyncio.gather(*(floor_session(browser, floor_url, steps) for _ in range(sessions)))
                    apps = await asyncio.gather(*(app_session(browser, app_url, steps) for _ in range(sessions)))
                    report[label] = {"floor": median_ms([t for s in floors for t in s]),
                                     **{what: median_ms([t for s in apps for t in s[what]])
                                        for what in ("upload", "slider", "switch")}}
                await browser.close()
        finally:
            for server in (floor_server, app_server):
                server.terminate()
                server.wait(timeout=10)
    return report


def verdicts(report: dict) -> list[tuple[str, str, bool]]:
    alone, crowd = report["alone"], report["crowd"]
    rows = [(f"{what} / plancher, seul", alone[what] / alone["floor"], TARGETS["floor_ratio"])
            for what in ("slider", "switch")]
    rows = [(label, f"× {ratio:.1f}".replace(".", ","), ratio <= target) for label, ratio, target in rows]
    rows.append(("dépôt → contrôles, seul", f"{alone['upload'] / 1000:.2f} s".replace(".", ","),
                 alone["upload"] <= TARGETS["upload_s"] * 1000))
    for what in ("upload", "slider", "switch"):
        ratio = crowd[what] / alone[what]
        rows.append((f"{what}, 4 sessions / seul", f"× {ratio:.1f}".replace(".", ","), ratio <= TARGETS["crowd_ratio"]))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.browser")
    parser.add_argument("--steps", type=int, default=7, help="mesures par session et par geste")
    parser.add_argument("--sessions", type=int, default=4, help="sessions simultanées pour la mesure à plusieurs")
    args = parser.parse_args(argv)
    report = asyncio.run(measure(args.steps, args.sessions))
    labels = {"floor": "plancher (page triviale)", "upload": "dépôt des 3 exports → contrôles",
              "slider": "pas du curseur → comptes", "switch": "changement de page → page complète"}
    print(f"{'médianes, ms':38}{'seul':>8}{'× plancher':>12}{args.sessions:>6} sessions{'× seul':>9}")
    for what, label in labels.items():
        alone, crowd = report["alone"][what], report["crowd"][what]
        print(f"{label:38}{alone:>8.0f}{alone / report['alone']['floor']:>12.1f}{crowd:>15.0f}{crowd / alone:>9.1f}"
              .replace(".", ","))
    print("\nObjectifs")
    report["verdicts"] = []
    for label, value, ok in verdicts(report):
        print(f"  {'OK ' if ok else 'NON'}  {label:36}{value:>10}")
        report["verdicts"].append({"what": label, "value": value, "met": ok})
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "browser.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
