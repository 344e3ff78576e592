"""Checks as data, and running them on a run's facts."""
from .facts import MonthFigures, RunFacts
from .invariants import run_checks
from .rules import (CHECKS, ERROR, FAILED, NO_PREVIOUS_MONTH, NOT_COMPUTABLE, PASSED, SKIPPED, WARNING, CheckResult,
                    blocking_failures, verdict)

__all__ = ["CHECKS", "ERROR", "FAILED", "NO_PREVIOUS_MONTH", "NOT_COMPUTABLE", "PASSED", "SKIPPED", "WARNING", "CheckResult", "MonthFigures",
           "RunFacts", "blocking_failures", "run_checks", "verdict"]
