"""One synthetic scale end to end, in a process of its own so that its peak memory is its own.

python -m benchmarks.scale generate FACTOR FORMAT DIR   writes the sample's three exports to DIR
python -m benchmarks.scale run FACTOR FORMAT DIR        runs them and prints one JSON line
"""
from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def generate(factor: int, fmt: str, folder: Path) -> None:
    from bottleneck_core.sample import generate as make_sample

    folder.mkdir(parents=True, exist_ok=True)
    sample = make_sample(seed=11, scale=factor)
    for name, data in sample.files(fmt).items():
        (folder / name).write_bytes(data)


def run(factor: int, fmt: str, folder: Path) -> dict:
    """Bytes of the three exports to every deliverable's bytes (no xlsx report for Parquet scales)."""
    from bottleneck_core import run_pipeline

    files = [(folder / f"{kind}.{fmt}").read_bytes() for kind in ("erp", "liaison", "web")]
    start = time.perf_counter()
    result = run_pipeline(*files)
    deliverables = result.exports(report=fmt != "parquet")
    seconds = time.perf_counter() - start
    return {"factor": factor, "format": fmt, "web_rows": result.summary["rows"]["web_raw"],
            "merged": result.summary["rows"]["merged"], "seconds": seconds,
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "deliverables": sorted(deliverables)}


if __name__ == "__main__":
    action, factor, fmt, folder = sys.argv[1], int(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
    if action == "generate":
        generate(factor, fmt, folder)
    else:
        print(json.dumps(run(factor, fmt, folder)))
