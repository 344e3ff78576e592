"""Workbooks are parsed, and the xlsx report written, in warm child processes with memory, CPU and time limits.

python-calamine can abort its whole process (a Rust allocation failure is not an exception), and the app
is one process shared by every user: a crash in a worker is one catchable error here, and the worker is
replaced. Workers are plain `python -m bottleneck_core.sheet_worker` processes speaking length-prefixed
pickles on their pipes, so nothing depends on how the parent was started (streamlit, CLI, tests). Writing
the report there is for speed, not safety: it runs on the second core while the parent builds the rest.
"""
from __future__ import annotations

import os
import pickle
import queue
import select
import struct
import subprocess
import sys
import threading
import time

MEMORY_LIMIT = int(os.environ.get("BOTTLENECK_WORKER_MEMORY_MB", "2048")) * 2**20
CPU_SECONDS = 60
WALL_SECONDS = float(os.environ.get("BOTTLENECK_WORKER_TIMEOUT", "45"))
WORKERS = 2
_HEADER = struct.Struct("!Q")


class WorkerFailure(Exception):
    """The worker died (crash, memory or CPU limit) or ran past its wall-clock limit."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def enabled() -> bool:
    """Isolation is on unless BOTTLENECK_ISOLATE=0 (for profiling and debugging only)."""
    return os.environ.get("BOTTLENECK_ISOLATE", "1") != "0"


def _limit_child() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    # The soft limit is each task's CPU budget: the worker moves it forward before every task (a warm worker
    # would otherwise run out after its first minute of work in all); no parsed file can move it.
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, resource.RLIM_INFINITY))


class Worker:
    """One warm child process that reads workbooks."""

    def __init__(self) -> None:
        package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root,
                                                                          os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen([sys.executable, "-m", "bottleneck_core.sheet_worker"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        preexec_fn=_limit_child, env=env, close_fds=True)

    def call(self, request: tuple, timeout: float):
        payload = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.process.stdin.write(_HEADER.pack(len(payload)) + payload)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise WorkerFailure("crash") from None
        deadline = time.monotonic() + timeout
        size = _HEADER.unpack(self._read(_HEADER.size, deadline))[0]
        status, value = pickle.loads(self._read(size, deadline))
        if status == "error":
            raise value
        return value

    def _read(self, size: int, deadline: float) -> bytes:
        fd = self.process.stdout.fileno()
        chunks, missing = [], size
        while missing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WorkerFailure("timeout")
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                raise WorkerFailure("timeout")
            chunk = os.read(fd, min(missing, 1 << 20))
            if not chunk:
                raise WorkerFailure("crash")
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


_idle: "queue.LifoQueue[Worker]" = queue.LifoQueue()
_slots = threading.BoundedSemaphore(WORKERS)


def run_isolated(function_name: str, *args, timeout: float = WALL_SECONDS, wait: bool = True):
    """Run an allow-listed task of bottleneck_core.sheet_worker in a warm worker; its errors come back as they
    are. With wait=False, WorkerFailure("busy") comes back at once when every worker is taken."""
    if not _slots.acquire(blocking=wait):
        raise WorkerFailure("busy")
    try:
        try:
            worker = _idle.get_nowait()
        except queue.Empty:
            worker = Worker()
        try:
            value = worker.call((function_name, args), timeout)
        except WorkerFailure:
            worker.stop()
            raise
        except BaseException:
            _idle.put(worker)  # the worker answered with an error: it is still healthy
            raise
        _idle.put(worker)
        return value
    finally:
        _slots.release()


def stop_idle_workers() -> None:
    """Stop the workers waiting for work (new ones start on demand)."""
    while True:
        try:
            _idle.get_nowait().stop()
        except queue.Empty:
            return
