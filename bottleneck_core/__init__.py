"""BottleNeck's monthly analysis: three exports in, checked figures and deliverables out.

Imports neither streamlit nor plotly; heavy modules load on first use so that the parsing process and the CLI
start fast.
"""
from __future__ import annotations

__version__ = "2.0.0"
__all__ = ["InputError", "PipelineResult", "deliverables", "run_pipeline", "with_threshold", "__version__"]

from .errors import InputError


def __getattr__(name: str):
    if name in ("run_pipeline", "PipelineResult", "with_threshold"):
        from . import pipeline
        return getattr(pipeline, name)
    if name == "deliverables":
        from .outputs import deliverables
        return deliverables
    raise AttributeError(f"module 'bottleneck_core' has no attribute {name!r}")
