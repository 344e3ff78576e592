"""A large month built from the real exports: `python -m benchmarks.large FOLDER [ROWS]` writes erp.xlsx,
liaison.xlsx and web.xlsx where every real product appears `ROWS / 1513` times under new keys, all 28 WEB columns
kept, so that the join and the figures behave as in a real month."""
from __future__ import annotations

import math
import sys
from pathlib import Path

import pandas as pd
import xlsxwriter

from benchmarks.run import DATA


def write(frame: pd.DataFrame, path: Path) -> None:
    """A workbook as an export tool writes it, row after row (constant memory, so that any size fits)."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                           "strings_to_formulas": False, "strings_to_urls": False,
                                           "nan_inf_to_errors": True})
    sheet = book.add_worksheet("export")
    sheet.write_row(0, 0, [str(c) for c in frame.columns])
    for i, row in enumerate(frame.itertuples(index=False, name=None), start=1):
        for j, value in enumerate(row):
            if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
                continue
            sheet.write(i, j, value.isoformat() if isinstance(value, pd.Timestamp) else value)
    book.close()


def build(folder: Path, web_rows: int = 150_000) -> dict[str, Path]:
    """The three large exports (written once: an existing folder is reused)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {kind: folder / f"{kind}.xlsx" for kind in ("erp", "liaison", "web")}
    if all(p.exists() for p in paths.values()):
        return paths
    erp, liaison, web = (pd.read_excel(DATA / f"{kind}.xlsx", engine="calamine") for kind in ("erp", "liaison", "web"))
    copies = math.ceil(web_rows / len(web))

    def suffixed(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        parts = []
        for copy in range(copies):
            part = frame.copy()
            for column in columns:
                part[column] = part[column].map(lambda v: None if pd.isna(v) else f"{v}-copie{copy}" if copy else v)
            parts.append(part)
        return pd.concat(parts, ignore_index=True)
    write(suffixed(erp, ["product_id"]), paths["erp"])
    write(suffixed(liaison, ["product_id", "id_web"]), paths["liaison"])
    write(suffixed(web, ["sku"]).head(web_rows), paths["web"])
    return paths


if __name__ == "__main__":
    build(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 150_000)
