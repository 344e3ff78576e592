"""Notifications after a run: a webhook and an e-mail on local servers; a dead one changes nothing but a warning."""
from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import threading
from contextlib import redirect_stderr, redirect_stdout
from email import message_from_bytes
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, HTTPServer

import openpyxl
import pytest


FAST = {"BOTTLENECK_NOTIFY_BACKOFF": "0.01", "BOTTLENECK_NOTIFY_ATTEMPTS": "3"}


class Recorder(BaseHTTPRequestHandler):
    """A local incoming-webhook: records each POST and answers with the configured status."""

    received: list = []
    status = 200

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.path, self.headers["Content-Type"], body))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    handler = type("Hook", (Recorder,), {"received": [], "status": 200})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{server.server_port}/hooks/T000/SECRET-TOKEN"
    server.shutdown()


def dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again: nothing listens there


def run_cli(real_paths, out, *extra, env=None):
    """`python -m bottleneck_core run …` in this process (what its process prints and returns, without its start-up
    cost), with these environment variables."""
    from unittest import mock

    from bottleneck_core.runs.cli import main

    erp, liaison, web = map(str, real_paths)
    stdout, stderr = io.StringIO(), io.StringIO()
    with mock.patch.dict(os.environ, {**FAST, **(env or {})}), redirect_stdout(stdout), redirect_stderr(stderr):
        code = main(["run", "--erp", erp, "--liaison", liaison, "--web", web, "--period", "2026-10", "--out",
                     str(out), *extra])
    return subprocess.CompletedProcess("run", code, stdout.getvalue(), stderr.getvalue())


def test_a_run_posts_one_json_summary_to_the_webhook(real_paths, tmp_path, webhook):
    handler, url = webhook
    done = run_cli(real_paths, tmp_path / "out", "--notify-webhook", url)
    assert done.returncode == 0, done.stderr
    assert len(handler.received) == 1
    path, content_type, body = handler.received[0]
    assert path == "/hooks/T000/SECRET-TOKEN" and content_type.startswith("application/json")
    message = json.loads(body)
    assert set(message) == {"text", "summary", "history_problem", "failed_checks", "warnings"}
    assert message["history_problem"] is None and "historique" not in message["text"]  # recorded
    assert "octobre 2026" in message["text"] and "70 568,60 €" in message["text"] and "30 vins premium" in message["text"]
    assert message["summary"] == json.loads((tmp_path / "out" / "synthese.json").read_text())
    assert message["failed_checks"] == []  # the four warnings of the real exports, each named
    assert [c["id"] for c in message["warnings"]] == ["erp_price_not_negative", "erp_stock_not_negative",
                                                      "web_no_sku_sales", "web_sales_conflicts"]
    assert "SECRET-TOKEN" not in done.stdout + done.stderr


@pytest.fixture(scope="module")
def reference_run(real_paths, tmp_path_factory):
    """The deliverables of a run without notification, once for the module."""
    folder = tmp_path_factory.mktemp("reference")
    done = run_cli(real_paths, folder / "out", env={"BOTTLENECK_HISTORY": str(folder / "historique.duckdb")})
    return done, folder / "out"


@pytest.mark.parametrize("status", [500, None], ids=["server_error", "nobody_listening"])
def test_a_dead_webhook_changes_nothing_but_a_warning(real_paths, tmp_path, webhook, status, reference_run):
    handler, url = webhook
    if status is None:
        url = f"http://127.0.0.1:{dead_port()}/hooks/SECRET-TOKEN"
    else:
        handler.status = status
    reference, reference_out = reference_run
    done = run_cli(real_paths, tmp_path / "out", "--notify-webhook", url)
    assert done.returncode == reference.returncode == 0
    assert "Attention : notification webhook non remise" in done.stderr and "Traceback" not in done.stderr
    assert "SECRET-TOKEN" not in done.stdout + done.stderr
    if status:
        assert len(handler.received) == 3  # retried, then given up
    for name in ("synthese.json", "vins_premium.csv", "controles.json"):
        assert (tmp_path / "out" / name).read_bytes() == (reference_out / name).read_bytes()


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's naming
            self.messages.append((envelope.rcpt_tos, envelope.content))
            return "250 OK"

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=dead_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def test_a_run_emails_the_summary_with_the_report_attached(real_paths, tmp_path, smtp_server):
    inbox, port = smtp_server
    env = {"BOTTLENECK_SMTP_HOST": "127.0.0.1", "BOTTLENECK_SMTP_PORT": str(port), "BOTTLENECK_SMTP_STARTTLS": "0",
           "BOTTLENECK_SMTP_FROM": "analyse@bottleneck.test"}
    done = run_cli(real_paths, tmp_path / "out", "--notify-email", "chefs-produit@bottleneck.test", env=env)
    assert done.returncode == 0, done.stderr
    assert "envoyés par e-mail à chefs-produit@bottleneck.test" in done.stdout
    (recipients, raw), = inbox.messages
    assert recipients == ["chefs-produit@bottleneck.test"]
    message = message_from_bytes(raw, policy=email_policy)
    assert message["Subject"] == "BottleNeck – analyse d'octobre 2026"
    body = message.get_body(("plain",)).get_content()
    assert "70 568,60 €" in body and "Avertissements :\r\n- Aucun prix négatif (ERP) : " in body
    attachment, = list(message.iter_attachments())
    assert attachment.get_filename() == "rapport_ca_2026-10.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(attachment.get_content()))
    assert book.sheetnames == ["CA par produit", "Vins premium", "Vins ordinaires", "Synthèse", "Contrôles"]


def test_a_password_is_never_sent_without_starttls(real_paths, tmp_path, smtp_server):
    inbox, port = smtp_server
    env = {"BOTTLENECK_SMTP_HOST": "127.0.0.1", "BOTTLENECK_SMTP_PORT": str(port), "BOTTLENECK_SMTP_STARTTLS": "0",
           "BOTTLENECK_SMTP_USER": "robot", "BOTTLENECK_SMTP_PASSWORD": "motdepasse-secret"}
    done = run_cli(real_paths, tmp_path / "out", "--notify-email", "pm@bottleneck.test", env=env)
    assert done.returncode == 0 and not inbox.messages
    assert "jamais envoyé sans STARTTLS" in done.stderr and "motdepasse-secret" not in done.stdout + done.stderr


def test_email_over_starttls_with_a_local_certificate(real_paths, tmp_path):
    import ssl

    from aiosmtpd.controller import Controller

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    received = []

    class Inbox:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            received.append(session.ssl is not None)
            return "250 OK"

    controller = Controller(Inbox(), hostname="127.0.0.1", port=dead_port(), tls_context=context,
                            require_starttls=True)
    controller.start()
    try:
        env = {"BOTTLENECK_SMTP_HOST": "127.0.0.1", "BOTTLENECK_SMTP_PORT": str(controller.port),
               "BOTTLENECK_SMTP_CAFILE": str(cert)}
        done = run_cli(real_paths, tmp_path / "out", "--notify-email", "pm@bottleneck.test", env=env)
    finally:
        controller.stop()
    assert done.returncode == 0, done.stderr
    assert received == [True]


def test_a_dead_smtp_server_changes_nothing_but_a_warning(real_paths, tmp_path):
    env = {"BOTTLENECK_SMTP_HOST": "127.0.0.1", "BOTTLENECK_SMTP_PORT": str(dead_port()),
           "BOTTLENECK_SMTP_STARTTLS": "0"}
    done = run_cli(real_paths, tmp_path / "out", "--notify-email", "pm@bottleneck.test", env=env)
    assert done.returncode == 0 and "Attention : e-mail non envoyé" in done.stderr
    assert json.loads((tmp_path / "out" / "synthese.json").read_text())["revenue_total"] == 70568.6


def test_a_month_the_history_could_not_keep_is_said_in_the_message_and_exits_4(real_paths, tmp_path, webhook):
    handler, url = webhook
    history = f"postgresql://analyste:secret@127.0.0.1:{dead_port()}/bottleneck"  # nobody listens there
    done = run_cli(real_paths, tmp_path / "out", "--history", history, "--notify-webhook", url)
    assert done.returncode == 4 and (tmp_path / "out" / "rapport_ca.xlsx").exists()
    message = json.loads(handler.received[0][2])
    assert "le serveur est injoignable" in message["history_problem"] and b"secret" not in handler.received[0][2]
    assert message["text"].startswith("BottleNeck – analyse d'octobre 2026 : chiffre d'affaires 70 568,60 €")
    assert "Attention : ce mois n'est PAS enregistré dans l'historique (L'historique postgresql://analyste@" \
           in message["text"] and message["text"].endswith("; relancez l'analyse une fois l'historique joignable.")


def test_failed_checks_are_named_in_the_message_and_keep_exit_code_1(real_paths, tmp_path, webhook):
    handler, url = webhook
    config = tmp_path / "config.yaml"
    config.write_text("checks:\n  premium_count: 12\n")
    done = run_cli(real_paths, tmp_path / "out", "--config", str(config), "--notify-webhook", url)
    assert done.returncode == 1
    message = json.loads(handler.received[0][2])
    assert [c["id"] for c in message["failed_checks"]] == ["premium_count"]
    assert "1 contrôle bloquant en échec : Nombre de vins premium." in message["text"]
