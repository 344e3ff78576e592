"""Telling the product managers after an unattended run: a webhook message and an e-mail with the report.

A notification that fails is retried, then reported as a warning: it never changes the run's exit code
nor its deliverables. Secrets (webhook URLs carry tokens, SMTP passwords) are never printed.
"""
from __future__ import annotations

import json
import os
import smtplib
import socket
import ssl
import time
import urllib.error
import urllib.request
from email.message import EmailMessage
from urllib.parse import urlsplit

from ..checks import verdict
from ..formatting import euros, of_month, plural
from ..outputs import REPORT
from ..outputs.bundle import download_name
from ..outputs.tables import plain, summary
from ..pipeline import PipelineResult

TIMEOUT_SECONDS = 10
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def summary_text(result: PipelineResult, history_problem: str | None = None) -> str:
    """The run in one short French message; a month the history could not keep is said in it, not only in a log."""
    return (f"BottleNeck – analyse {of_month(result.period)} : chiffre d'affaires "
            f"{euros(result.revenue_total)}, {plural(len(result.premium), 'vin premium', 'vins premium')}. "
            f"{verdict(result.checks)}" + (f" Attention : ce mois n'est PAS enregistré dans l'historique "
                                           f"({history_problem.rstrip('.')}) ; relancez l'analyse une fois "
                                           "l'historique joignable." if history_problem else ""))


def webhook_payload(result: PipelineResult, history_problem: str | None = None) -> dict:
    """A Slack/Teams/Mattermost incoming-webhook message that also carries the figures."""
    def listed(checks) -> list[dict]:
        return [{"id": c.id, "title": c.title, "expected": plain(c.expected), "actual": plain(c.actual),
                 "message": c.message} for c in checks]

    # Warnings are named too: for an unattended run, the message is where last month's exports found again
    # (not_previous_exports) or a figure that moved far gets read.
    return {"text": summary_text(result, history_problem), "summary": summary(result),
            "history_problem": history_problem,
            "failed_checks": listed(c for c in result.checks if c.blocking_failure),
            "warnings": listed(c for c in result.checks if c.warning)}


def redacted(url: str) -> str:
    """A webhook URL without its secret parts: scheme and host only."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}/…"


def _retry(action, attempts: int | None, backoff: float | None) -> str | None:
    """Run action until it succeeds; the last failure's description, or None on success. The number of attempts
    and the first wait come from BOTTLENECK_NOTIFY_ATTEMPTS and BOTTLENECK_NOTIFY_BACKOFF unless given."""
    attempts = attempts or int(os.environ.get("BOTTLENECK_NOTIFY_ATTEMPTS", "3"))
    backoff = float(os.environ.get("BOTTLENECK_NOTIFY_BACKOFF", "2")) if backoff is None else backoff
    failure = None
    for attempt in range(attempts):
        try:
            action()
            return None
        except Exception as exc:  # any network or server failure: retried, then reported
            failure = exc
            if attempt + 1 < attempts:
                time.sleep(backoff * 2 ** attempt)
    return _describe(failure)


def _network_reason(exc: BaseException) -> str:
    """Why a server could not be reached, in French words rather than an exception's class name."""
    if isinstance(exc, ConnectionRefusedError):
        return "connexion refusée"
    if isinstance(exc, TimeoutError):
        return "délai dépassé"
    if isinstance(exc, socket.gaierror):
        return "nom d'hôte inconnu"
    if isinstance(exc, ssl.SSLError):
        return "échec de la connexion chiffrée (TLS)"
    return f"erreur réseau {exc.__class__.__name__}"


def _describe(exc: Exception | None) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"réponse HTTP {exc.code}"
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        return f"serveur injoignable ({_network_reason(reason) if isinstance(reason, BaseException) else reason})"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "identifiants SMTP refusés"
    if isinstance(exc, smtplib.SMTPException):
        return f"erreur SMTP ({exc.__class__.__name__})"
    if isinstance(exc, OSError):
        return f"serveur injoignable ({_network_reason(exc)})"
    return exc.__class__.__name__ if exc else "erreur inconnue"


def post_webhook(url: str, payload: dict, attempts: int | None = None, backoff: float | None = None) -> str | None:
    """POST the JSON message; None when delivered, else why not."""
    body = json.dumps(payload, ensure_ascii=False, allow_nan=False, default=str).encode("utf-8")

    def send() -> None:
        request = urllib.request.Request(url, data=body, method="POST",
                                         headers={"Content-Type": "application/json; charset=utf-8"})
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:
            if not 200 <= answer.status < 300:
                raise urllib.error.HTTPError(url, answer.status, "", answer.headers, None)

    return _retry(send, attempts, backoff)


def email_message(result: PipelineResult, report: bytes, to: str, sender: str,
                  history_problem: str | None = None) -> EmailMessage:
    """The summary as an e-mail, with the report attached."""
    message = EmailMessage()
    message["Subject"] = f"BottleNeck – analyse {of_month(result.period)}"
    message["From"] = sender
    message["To"] = to
    payload = webhook_payload(result, history_problem)
    lines = [payload["text"], ""] + [f"- {c['title']} : {c['message']}" for c in payload["failed_checks"]]
    if payload["warnings"]:
        lines += ["", "Avertissements :"] + [f"- {c['title']} : {c['message']}" for c in payload["warnings"]]
    message.set_content("\n".join(lines + ["", "Le rapport de chiffre d'affaires est joint."]))
    message.add_attachment(report, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1],
                           filename=download_name(REPORT, result))
    return message


def send_email(result: PipelineResult, report: bytes, to: str, environ=os.environ, attempts: int | None = None,
               backoff: float | None = None, history_problem: str | None = None) -> str | None:
    """Send the summary by SMTP (BOTTLENECK_SMTP_* variables, STARTTLS); None when sent, else why not."""
    host = environ.get("BOTTLENECK_SMTP_HOST")
    if not host:
        return "la variable BOTTLENECK_SMTP_HOST n'est pas définie"
    port = int(environ.get("BOTTLENECK_SMTP_PORT", "587"))
    user, password = environ.get("BOTTLENECK_SMTP_USER"), environ.get("BOTTLENECK_SMTP_PASSWORD")
    starttls = environ.get("BOTTLENECK_SMTP_STARTTLS", "1") != "0"
    if password and not starttls:
        return "un mot de passe SMTP n'est jamais envoyé sans STARTTLS (BOTTLENECK_SMTP_STARTTLS=0 refusé)"
    message = email_message(result, report, to, environ.get("BOTTLENECK_SMTP_FROM") or user or "bottleneck@localhost",
                            history_problem)

    def send() -> None:
        with smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS) as smtp:
            if starttls:
                context = ssl.create_default_context(cafile=environ.get("BOTTLENECK_SMTP_CAFILE"))
                smtp.starttls(context=context)
            if user and password:
                smtp.login(user, password)
            smtp.send_message(message)

    return _retry(send, attempts, backoff)


def notify(result: PipelineResult, files: dict[str, bytes], webhook: str | None = None,
           email: str | None = None, history_problem: str | None = None) -> list[tuple[bool, str]]:
    """Send the requested notifications; for each, whether it went out and a French line saying so."""
    outcomes = []
    if webhook:
        failure = post_webhook(webhook, webhook_payload(result, history_problem))
        outcomes.append((failure is None, f"résumé envoyé au webhook {redacted(webhook)}." if failure is None
                         else f"notification webhook non remise ({redacted(webhook)} : {failure})."))
    if email:
        failure = send_email(result, files[REPORT], email, history_problem=history_problem)
        outcomes.append((failure is None, f"résumé et rapport envoyés par e-mail à {email}." if failure is None
                         else f"e-mail non envoyé à {email} ({failure})."))
    return outcomes
