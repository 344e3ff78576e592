"""BottleNeck's monthly analysis: three exports in, checked figures and deliverables out.

Imports neither streamlit nor plotly; heavy modules load on first use so the CLI starts fast.
"""
from __future__ import annotations

__version__ = "1.0.0"
__all__ = ["InputError", "PipelineResult", "run_pipeline", "__version__"]

from .errors import InputError


def __getattr__(name: str):
    if name in ("run_pipeline", "PipelineResult"):
        from . import pipeline
        return getattr(pipeline, name)
    raise AttributeError(f"module 'bottleneck_core' has no attribute {name!r}")
