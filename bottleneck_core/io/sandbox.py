"""The one process boundary: every file is parsed in a short-lived process of its own (bottleneck_core.io.child)
that limits its own memory and CPU time, under a wall-clock limit set here. A parser that aborts, loops or
swells costs one French error about that file, never the app that serves every user; what comes back is JSON,
checked for size, never an object the parent must trust."""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import IO

from ..errors import InputError
from .child import MEMORY_ERROR_EXIT
from .files import RawFile, Readable, detect_format, named_raw

MEMORY_MB = int(os.environ.get("BOTTLENECK_PARSE_MEMORY_MB", "2048"))
CPU_SECONDS = int(os.environ.get("BOTTLENECK_PARSE_CPU_SECONDS", "30"))
WALL_SECONDS = float(os.environ.get("BOTTLENECK_PARSE_WALL_SECONDS", "60"))  # above the CPU limit: it acts first
MAX_ANSWER_BYTES = 1 << 30
ADVICE = "Réexportez le fichier depuis son application d'origine, réduit aux colonnes utiles, puis déposez-le."
_PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@dataclass
class Parse:
    """A file being parsed in its own process."""

    raw: RawFile
    process: subprocess.Popen
    answer: IO[bytes]
    deadline: float


def start_parse(raw: RawFile, fmt: str, wanted: frozenset[str]) -> Parse:
    """Start parsing a file in a process of its own; several can run at once (no thread, no pipe to fill)."""
    request = tempfile.TemporaryFile()
    request.write(json.dumps({"name": raw.name, "format": fmt, "wanted": sorted(wanted)}).encode() + b"\n")
    request.write(raw.data)
    request.seek(0)
    answer = tempfile.TemporaryFile()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [_PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen([sys.executable, "-m", "bottleneck_core.io.child", str(MEMORY_MB), str(CPU_SECONDS)],
                               stdin=request, stdout=answer, stderr=subprocess.DEVNULL, env=env, close_fds=True)
    request.close()
    return Parse(raw, process, answer, time.monotonic() + WALL_SECONDS)


def finish_parse(parse: Parse) -> dict:
    """The parsed sheet, or the file's French error (its own, or why its parser was stopped)."""
    code = _exit_code(parse.process, parse.deadline)
    with parse.answer:
        size = os.fstat(parse.answer.fileno()).st_size
        if code == 0 and size <= MAX_ANSWER_BYTES:
            parse.answer.seek(0)
            answer = _answer(parse.answer.read())
            if "error" in answer:
                error = answer["error"]
                raise InputError(str(error.get("message")), file=error.get("file"), column=error.get("column"),
                                 rows=error.get("rows"), hint=error.get("hint"))
            if "sheet" in answer:
                return answer["sheet"]
            code = None  # an answer of no known shape: the parser did not behave
    if code == -signal.SIGXCPU:  # its own CPU limit, or the wall-clock limit above
        what = "a dépassé le temps de lecture autorisé"
    elif code in (MEMORY_ERROR_EXIT, -signal.SIGABRT, -signal.SIGSEGV, -signal.SIGKILL) or size > MAX_ANSWER_BYTES:
        what = "a épuisé la mémoire autorisée ou fait échouer le lecteur"
    else:
        what = "a échoué de façon inattendue"
    raise InputError(f"la lecture de ce fichier {what} ; son contenu est anormal.", file=parse.raw.name, hint=ADVICE)


def _exit_code(process: subprocess.Popen, deadline: float) -> int:
    """The process's exit code as soon as it exits, or SIGXCPU once it is killed at the deadline. The kernel wakes
    us (a pidfd): `Popen.wait(timeout=…)` polls with sleeps growing to 50 ms, and a file parsed in 35 ms was
    answered at 65 ms."""
    try:
        pidfd = os.pidfd_open(process.pid)
    except (AttributeError, OSError):  # not Linux: the polling wait
        try:
            return process.wait(timeout=max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            pass
    else:
        try:
            exited = select.poll()
            exited.register(pidfd, select.POLLIN)
            while process.poll() is None and deadline > time.monotonic():
                exited.poll(max(deadline - time.monotonic(), 0) * 1000)
        finally:
            os.close(pidfd)
        if process.returncode is not None:
            return process.returncode
    process.kill()
    process.wait()
    return -signal.SIGXCPU


def start_reading(source: Readable, name: str | None, wanted: frozenset[str], default: str = "export") -> Parse:
    """Start parsing a file now (a light call: the CLI makes it before loading the analysis)."""
    raw = named_raw(source, name, default)
    return start_parse(raw, detect_format(raw), wanted)


def _answer(data: bytes) -> dict:
    try:
        answer = json.loads(data)
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def parse_file(raw: RawFile, fmt: str, wanted: frozenset[str]) -> dict:
    """One file parsed in its own process."""
    return finish_parse(start_parse(raw, fmt, wanted))
