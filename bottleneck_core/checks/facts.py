"""The run's facts the checks read: counts and figures, and the few tables whose rows a check may show."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..steps.lineage import StepResult


@dataclass(frozen=True)
class MonthFigures:
    """A recorded month's figures, for the comparison with the month after it."""

    period: str
    threshold: float
    figures: dict[str, float | None]
    sources: dict[str, str] = field(default_factory=dict)  # export -> SHA-256 of the file recorded


@dataclass(frozen=True)
class RunFacts:
    """What the checks need to know about a run, and nothing they could change."""

    period: str
    threshold: float
    simulated: bool  # another threshold than the configuration's: its reference figures do not apply
    steps: tuple[StepResult, ...]
    figures: dict[str, float | None]  # the reference figures and the mean price, by check id
    repairs: pd.DataFrame  # every value repaired while reading, with its file
    adjustments: pd.DataFrame  # every adjustment made to a file to read it, with its file
    erp: pd.DataFrame  # the exports as read
    liaison: pd.DataFrame
    web: pd.DataFrame
    unmatched_web: pd.DataFrame  # WEB products no ERP product reaches
    products: pd.DataFrame  # the merged products with revenue and z-score
    price_computable: bool
    previous: MonthFigures | None = None
    sources: dict[str, str] = field(default_factory=dict)  # export -> SHA-256 of its file ("" for a table)

    def step(self, step_id: str) -> StepResult:
        return next(s for s in self.steps if s.id == step_id)
