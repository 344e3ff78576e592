"""A real `streamlit run` on a free port and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("BOTTLENECK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(folder: Path, log_name: str = "streamlit.log", repo: Path = REPO,
              script: str = "app.py") -> tuple[subprocess.Popen, str]:
    """The app as users start it, with its own history and column mapping in `folder`."""
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    env = {**os.environ, "BOTTLENECK_HISTORY": str(folder / "historique.duckdb"),
           "BOTTLENECK_MAPPING": str(folder / "correspondances.yaml")}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=repo, stdout=open(ARTIFACTS / log_name, "w"), stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read().strip() == b"ok":
                    return server, url
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail(f"streamlit did not start on {url} (see tests/e2e/artifacts/{log_name})")
        time.sleep(0.3)


def stop_app(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


@pytest.fixture
def app_url(tmp_path):
    """A fresh app for each test: its own history and mapping, no cache shared with another test. The app of another
    checkout (BOTTLENECK_E2E_APP_DIR) can be put to the same tests, to show that they fail on an earlier version."""
    server, url = start_app(tmp_path, repo=Path(os.environ.get("BOTTLENECK_E2E_APP_DIR", REPO)))
    yield url
    stop_app(server)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_app(browser, url: str, width: int = 1400, locale: str = "fr-FR"):
    """A fresh session (its own browser context)."""
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 1100}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    tab.received = []  # every message the server sent this tab, as the browser got it
    tab.on("websocket", lambda socket: socket.on("framereceived", lambda payload: tab.received.append(payload)))
    tab.goto(url)
    tab.get_by_text("Données du mois").first.wait_for()
    return tab


@pytest.fixture
def page(browser, app_url):
    tab = open_app(browser, app_url)
    yield tab
    tab.context.close()
