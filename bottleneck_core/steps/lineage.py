"""What every step records: rows in, rows out, and each removed row with its reason."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..labels import STEP_TITLES
from .sql import TEXT_TYPES

REASON = "motif"


@dataclass(frozen=True)
class StepResult:
    """One step of the lineage: its output and the rows it removed, each with a French reason."""

    id: str
    rows_in: int
    output: pd.DataFrame
    removed: pd.DataFrame

    @property
    def title(self) -> str:
        return STEP_TITLES[self.id]

    @property
    def rows_out(self) -> int:
        return len(self.output)

    @property
    def rows_removed(self) -> int:
        return len(self.removed)

    def removed_by_reason(self) -> dict[str, int]:
        """How many rows each reason removed."""
        return {} if self.removed.empty else self.removed[REASON].value_counts(sort=True).to_dict()


def kept_all(step_id: str, frame: pd.DataFrame) -> StepResult:
    """A step that removes no row."""
    return StepResult(step_id, len(frame), frame, frame.iloc[0:0].assign(**{REASON: pd.Series(dtype="object")}))


def split_flagged(step_id: str, frame: pd.DataFrame, reasons: pa.ChunkedArray | pa.Array) -> StepResult:
    """A step from its input and, row by row, the reason it removes the row (null when kept)."""
    kept = pc.is_null(reasons).to_numpy(zero_copy_only=False)
    output = frame.take(np.flatnonzero(kept)).reset_index(drop=True)
    removed = frame.take(np.flatnonzero(~kept)).reset_index(drop=True)
    removed[REASON] = reasons.drop_null().to_pandas(types_mapper=TEXT_TYPES.get)
    return StepResult(step_id, len(frame), output, removed)


def rows_where(frame: pd.DataFrame, mask: pd.Series | np.ndarray) -> pd.DataFrame:
    """The rows where the mask holds (a missing value does not); an empty slice when none does."""
    if isinstance(mask, pd.Series):
        mask = mask.to_numpy(dtype=bool, na_value=False)
    return frame.loc[mask] if mask.any() else frame.iloc[0:0]
