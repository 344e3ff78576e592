"""What the app offers beside the deliverables: the merged products as Parquet, and one ZIP of everything with the
configuration used and a manifest tracing each file to its inputs; and the names files are downloaded under."""
from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import datetime, timezone

from ..formatting import number
from ..pipeline import PipelineResult
from .extracts import to_json

MERGED_PARQUET = "produits_fusionnes.parquet"
ARCHIVE = "bottleneck.zip"


def download_name(file_name: str, result: PipelineResult) -> str:
    """rapport_ca.xlsx as rapport_ca_2026-11.xlsx; at a simulated threshold rapport_ca_2026-11_seuil-1,50.xlsx, so
    that a simulation is never taken for the month's analysis."""
    stem, _, extension = file_name.rpartition(".")
    suffix = f"_{result.period}" + (f"_seuil-{number(result.threshold)}" if result.simulated else "")
    suffix += "_exemple" if result.sample else ""
    return f"{stem}{suffix}.{extension}"


def merged_parquet(result: PipelineResult) -> bytes:
    """The merged products with their revenue and z-score."""
    buffer = io.BytesIO()
    result.products.to_parquet(buffer, index=False)
    return buffer.getvalue()


def archive(result: PipelineResult, files: dict[str, bytes], app_version: str) -> bytes:
    """One ZIP of the deliverables, the configuration used and a manifest of sources and files."""
    import yaml

    files = {**files, MERGED_PARQUET: merged_parquet(result),
             "configuration.yaml": yaml.safe_dump(result.config.to_dict(), allow_unicode=True,
                                                  sort_keys=False).encode("utf-8")}
    manifest = {
        "application": "BottleNeck – analyse mensuelle", "version": app_version,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "period": result.period,
        "threshold": result.threshold, "simulated": result.simulated, "sample": result.sample,
        "config": result.config.source,
        "sources": [{"kind": kind, "name": t.name, "size": t.size, "sha256": t.sha256, "rows": t.raw_rows,
                     "mapped_columns": dict(t.mapped)} for kind, t in result.sources.items()],
        # Each file under the name it has in the archive (and in the downloads).
        "files": {download_name(name, result): hashlib.sha256(data).hexdigest() for name, data in files.items()},
    }
    files["manifeste.json"] = to_json(manifest)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, data in files.items():
            bundle.writestr(download_name(name, result), data)
    return buffer.getvalue()
