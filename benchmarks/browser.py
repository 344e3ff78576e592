"""The app as users wait for it, in Debian's Chromium driven by Playwright: `python -m benchmarks.browser`.

In one run, alone and then with 4 sessions at once on the same server, each measured from the user's action to
the moment what it shows is in the page (fresh elements of this run, noted by a MutationObserver in the page):
  - the floor: a bare Streamlit rerun of a trivial page of its own (a button and a counter);
  - upload of the three real exports → the checks' banner;
  - a step of the premium slider → the premium count updated;
  - a page switch (Chiffre d'affaires ↔ Vins premium) → the page complete, charts drawn.
Each measure is repeated (--rounds, 3 by default: three uploads per session, not one). Prints medians and their
ratio to the floor, and writes benchmarks/results/browser.json."""
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
import zipfile
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


# What the user sees, noted in the page the moment the DOM holds it (a MutationObserver: nothing runs while the page
# is quiet, unlike polling at every frame, and Playwright's locator waits would add up to 500 ms of their own), and
# only the page's fresh elements, not the stale ones of the previous run.
FRESH = "[data-testid=stElementContainer][data-stale=false]"
SHOWS_TEXT = f"text => [...document.querySelectorAll('{FRESH}')].some(e => e.textContent.includes(text))"
NAV = {"Vins premium": "Premium", "Chiffre d'affaires": "Chiffre d'affaires"}  # page title -> its link's name
PAGE_COMPLETE = (f"title => [...document.querySelectorAll('{FRESH} h1')].some(h => h.textContent.includes(title))"
                 f" && document.querySelector('{FRESH} [data-testid=stPlotlyChart] .main-svg')"
                 f" && document.querySelector('{FRESH} [data-testid=stDataFrame] canvas')")


async def watch(page, condition: str, arg=None) -> float:
    """Start watching for the condition (before the gesture); returns the gesture's start on the same clock."""
    await page.evaluate(f"""arg => {{
        const holds = {condition};
        window.__shownAt = null;
        const observer = new MutationObserver(() => {{
            if (holds(arg)) {{ window.__shownAt = Date.now(); observer.disconnect(); }}
        }});
        observer.observe(document.body, {{subtree: true, childList: true, characterData: true, attributes: true,
                                          attributeFilter: ["data-stale"]}});
    }}""", arg)
    return time.time()


async def shown(page, began: float) -> float:
    """Seconds from the gesture to the moment the watched condition held."""
    handle = await page.wait_for_function("window.__shownAt", polling=100)
    return await handle.json_value() / 1000 - began


async def idle(page) -> None:
    """The script has finished (untimed: the next gesture starts from a quiet page)."""
    await page.wait_for_timeout(50)
    await page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=120_000)


async def floor_session(browser, url: str, steps: int) -> list[float]:
    context = await browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    await page.goto(url)
    await page.get_by_text("Exécutions : 0").wait_for()
    times = []
    for step in range(1, steps + 1):
        began = await watch(page, SHOWS_TEXT, f"Exécutions : {step}")
        await page.get_by_role("button", name="Relancer").click()
        times.append(await shown(page, began))
        await idle(page)
    await context.close()
    return times


def fresh_exports(folder: Path) -> list[Path]:
    """The three real exports under content never seen by the server (a new zip comment, same cells), so that each
    upload is parsed and analysed cold rather than found in the cache of an earlier session."""
    folder.mkdir(parents=True)
    copies = []
    for kind in ("erp", "liaison", "web"):
        copy = folder / f"{kind}.xlsx"
        with zipfile.ZipFile(DATA / f"{kind}.xlsx") as source, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as out:
            for item in source.infolist():
                out.writestr(item, source.read(item))
            out.comment = folder.name.encode()
        copies.append(copy)
    return copies


async def app_session(browser, url: str, steps: int, exports: list[Path]) -> dict[str, list[float]]:
    """One product manager: upload, slider steps, page switches."""
    context = await browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(120_000)
    await page.goto(url)
    await page.get_by_text("Données du mois").first.wait_for()
    await idle(page)
    began = await watch(page, SHOWS_TEXT, "Tous les contrôles bloquants sont réussis")
    await page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files([str(p) for p in exports])
    upload = await shown(page, began)
    await idle(page)

    async def switch(title: str) -> float:
        began = await watch(page, PAGE_COMPLETE, title)
        await page.locator('[data-testid="stTopNavLink"]', has_text=NAV[title]).click()
        taken = await shown(page, began)
        await idle(page)
        return taken

    switches = [await switch("Vins premium")]
    slider = page.get_by_role("slider").first
    steps_taken = []
    for step in range(steps):
        await slider.focus()
        before = await page.locator('[data-testid="stMarkdownContainer"]', has_text="premium sur").first.inner_text()
        began = await watch(page, f"before => [...document.querySelectorAll('{FRESH} [data-testid=stMarkdownContainer]')]"
                                  ".some(e => e.textContent.includes('premium sur') && e.innerText !== before)", before)
        await page.keyboard.press("ArrowLeft" if step % 2 == 0 else "ArrowRight")
        steps_taken.append(await shown(page, began))
        await idle(page)
    for step in range(steps):
        switches.append(await switch("Chiffre d'affaires" if step % 2 == 0 else "Vins premium"))
    await context.close()
    return {"upload": [upload], "slider": steps_taken, "switch": switches[1:]}


def cpu_seconds(match) -> float:
    """CPU time (user + system) used so far by the live processes whose command line matches, children included."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if fields[0] == "Z":
                continue
        except (OSError, IndexError):
            continue
        if match(command):
            total += sum(int(f) for f in fields[11:15]) / tick  # utime, stime, cutime, cstime
    return total


def machine_use(app_port: str) -> dict[str, float]:
    """CPU seconds used so far by the app's server (its parsing processes included, reaped by it) and by the whole
    machine; the difference is the browsers' (and this harness's) share."""
    busy = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    machine = (sum(busy) - busy[3] - busy[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait
    return {"server": cpu_seconds(lambda c: "streamlit run app.py" in c and app_port in c), "machine": machine}


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def measure(steps: int, crowd: int, rounds: int) -> dict:
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
                sessions_started = iter(range(1000))

                def exports() -> list[Path]:
                    return fresh_exports(Path(folder) / f"session_{next(sessions_started)}")

                await app_session(browser, app_url, 1, exports())
                # The other users' browsers at the lowest priority: they still load the server as much, but no
                # longer take its two cores from the measured browser (in real use each runs on its own computer).
                wrapper = Path(folder) / "chromium-arriere-plan"
                wrapper.write_text('#!/bin/sh\nexec nice -n 19 /usr/bin/chromium "$@"\n')
                wrapper.chmod(0o755)
                background = await playwright.chromium.launch(executable_path=str(wrapper), args=CHROMIUM_ARGS)
                port = app_url.rsplit(":", 1)[1]
                for label, measured, others in (("alone", 1, 0), ("crowd", crowd, 0), ("server", 1, crowd - 1)):
                    floor_times, app_times, cpu, wall = [], [], {}, 0.0
                    for _ in range(rounds):  # each round a new upload per session: more than one upload sample
                        floors = await asyncio.gather(
                            *(floor_session(browser, floor_url, steps) for _ in range(measured)),
                            *(floor_session(background, floor_url, steps) for _ in range(others)))
                        before, began = machine_use(port), time.perf_counter()
                        apps = await asyncio.gather(
                            *(app_session(browser, app_url, steps, exports()) for _ in range(measured)),
                            *(app_session(background, app_url, steps, exports()) for _ in range(others)))
                        after, wall = machine_use(port), wall + time.perf_counter() - began
                        cpu = {who: cpu.get(who, 0.0) + after[who] - before[who] for who in after}
                        floor_times += floors[:measured]  # the background sessions are load, not measured
                        app_times += apps[:measured]
                    report[label] = {"floor": median_ms([t for s in floor_times for t in s]),
                                     **{what: median_ms([t for s in app_times for t in s[what]])
                                        for what in ("upload", "slider", "switch")},
                                     "cpu": cpu, "wall_s": wall}
                await background.close()
                await browser.close()
                status = Path(f"/proc/{app_server.pid}/status").read_text()
                report["server_peak_mib"] = int(status.split("VmHWM:")[1].split()[0]) / 1024
        finally:
            for server in (floor_server, app_server):
                server.terminate()
                server.wait(timeout=10)
    return report


def verdicts(report: dict) -> list[tuple[str, str, bool]]:
    alone = report["alone"]
    rows = [(f"{what} / plancher, seul", alone[what] / alone["floor"], TARGETS["floor_ratio"])
            for what in ("slider", "switch")]
    rows = [(label, f"× {ratio:.1f}".replace(".", ","), ratio <= target) for label, ratio, target in rows]
    rows.append(("dépôt → contrôles, seul", f"{alone['upload'] / 1000:.2f} s".replace(".", ","),
                 alone["upload"] <= TARGETS["upload_s"] * 1000))
    for label, name in (("crowd", "4 navigateurs mesurés"), ("server", "1 mesuré + 3 en arrière-plan")):
        for what in ("upload", "slider", "switch"):
            ratio = report[label][what] / alone[what]
            rows.append((f"{what}, {name} / seul", f"× {ratio:.1f}".replace(".", ","), ratio <= TARGETS["crowd_ratio"]))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.browser")
    parser.add_argument("--steps", type=int, default=7, help="mesures par session et par geste")
    parser.add_argument("--sessions", type=int, default=4, help="sessions simultanées pour la mesure à plusieurs")
    parser.add_argument("--rounds", type=int, default=3, help="répétitions de chaque mesure (un dépôt par session et "
                                                             "par répétition)")
    args = parser.parse_args(argv)
    report = asyncio.run(measure(args.steps, args.sessions, args.rounds))
    labels = {"floor": "plancher (page triviale)", "upload": "dépôt des 3 exports → contrôles",
              "slider": "pas du curseur → comptes", "switch": "changement de page → page complète"}
    others = f"1 + {args.sessions - 1} en fond"
    print(f"{'médianes, ms':36}{'seul':>7}{'× plancher':>11}{f'{args.sessions} mesurés':>12}{'× seul':>8}"
          f"{others:>18}{'× seul':>8}")
    for what, label in labels.items():
        alone, crowd, server = (report[k][what] for k in ("alone", "crowd", "server"))
        print(f"{label:36}{alone:>7.0f}{alone / report['alone']['floor']:>11.1f}{crowd:>12.0f}{crowd / alone:>8.1f}"
              f"{server:>18.0f}{server / alone:>8.1f}".replace(".", ","))
    print(f"\n« {args.sessions} mesurés » : {args.sessions} navigateurs pilotés et mesurés à la fois, sur les deux cœurs du "
          f"serveur ; « {others} » : un navigateur mesuré, les {args.sessions - 1} autres sessions (mêmes gestes) "
          "dans un Chromium de priorité minimale, comme si chaque utilisateur avait son poste.")
    print("\nOù part le temps machine pendant les sessions de l'application (2 cœurs partagés)")
    for label, name in (("alone", "seul"), ("crowd", f"{args.sessions} mesurés"), ("server", others)):
        use = report[label]
        cpu = use["cpu"]
        print(f"  {name:18} {use['wall_s']:5.1f} s écoulées, {2 * use['wall_s']:5.1f} s de CPU disponibles : serveur "
              f"{cpu['server']:5.1f} s, navigateurs et mesure {cpu['machine'] - cpu['server']:5.1f} s"
              .replace(".", ","))
    print(f"  mémoire maximale du serveur : {report['server_peak_mib']:.0f} Mio")
    print("\nObjectifs")
    report["verdicts"] = []
    for label, value, ok in verdicts(report):
        print(f"  {'OK ' if ok else 'NON'}  {label:48}{value:>8}")
        report["verdicts"].append({"what": label, "value": value, "met": ok})
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "browser.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
