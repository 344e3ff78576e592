"""Parsing in a warm child process with memory, CPU and time limits: a crash or a panic there is one error here.

python-calamine can abort the whole process (a Rust allocation failure is not an exception), and the app is
one process shared by every user: workbooks are therefore parsed in a worker that may die alone.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool

MEMORY_LIMIT = int(os.environ.get("BOTTLENECK_WORKER_MEMORY_MB", "3072")) * 2**20
CPU_SECONDS = 60
WALL_SECONDS = float(os.environ.get("BOTTLENECK_WORKER_TIMEOUT", "45"))
WORKERS = 2

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


class WorkerFailure(Exception):
    """The worker died (crash, memory or CPU limit) or ran past its wall-clock limit."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def enabled() -> bool:
    """Isolation is on unless BOTTLENECK_ISOLATE=0 (kept for profiling and debugging only)."""
    return os.environ.get("BOTTLENECK_ISOLATE", "1") != "0"


def _limit_worker() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def _get_pool() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["bottleneck_core.sheets", "python_calamine"])
            _pool = ProcessPoolExecutor(max_workers=WORKERS, mp_context=context, initializer=_limit_worker)
        return _pool


def _discard_pool(kill: bool) -> None:
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is None:
        return
    if kill:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def run_isolated(function, *args, timeout: float = WALL_SECONDS):
    """function(*args) in the warm worker; its own exceptions come back as they are."""
    future = _get_pool().submit(function, *args)
    try:
        return future.result(timeout=timeout)
    except BrokenProcessPool:
        _discard_pool(kill=False)
        raise WorkerFailure("crash") from None
    except FutureTimeout:
        _discard_pool(kill=True)
        raise WorkerFailure("timeout") from None
