"""A corpus of malformed inputs, generated here, each with the exact behaviour it must get.

Unusable files: one French message naming the file (and column and rows where they apply), exit code 2
from the CLI, never a traceback. Repairable values: repaired and counted in a warning. Data that break a
business rule: a failed check with its rows, exit code 1.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import openpyxl
import pandas as pd
import pytest

from bottleneck_core import InputError, run_pipeline
from conftest import REAL_DATA, REPO

KINDS = ("erp", "liaison", "web")


def real_bytes(kind: str) -> bytes:
    return (REAL_DATA / f"{kind}.xlsx").read_bytes()


def real_frame(kind: str) -> pd.DataFrame:
    return pd.read_excel(REAL_DATA / f"{kind}.xlsx", engine="calamine")


def xlsx(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


def csv_bytes(frame: pd.DataFrame, sep=";", decimal=",", encoding="utf-8") -> bytes:
    return frame.to_csv(sep=sep, decimal=decimal, index=False).encode(encoding)


def workbook_with(build: Callable[[openpyxl.Workbook], None]) -> bytes:
    book = openpyxl.Workbook()
    build(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def range_bomb(cell: str) -> bytes:
    def build(book):
        sheet = book.active
        sheet.append(["product_id", "price", "stock_quantity"])
        sheet.append([1, 10.0, 2])
        sheet[cell] = "x"
    return workbook_with(build)


def zip_bomb() -> bytes:
    """A small .xlsx whose one sheet inflates to 64 MB of repeated text."""
    source = zipfile.ZipFile(io.BytesIO(real_bytes("erp")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"<!--" + b"A" * (64 * 2**20) + b"--></sheetData>")
            bomb.writestr(item.filename, data)
    return buffer.getvalue()


def billion_laughs() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(real_bytes("liaison")))
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                         for i in range(1, 10)) + b"]>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as evil:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = laughs + data.split(b"?>", 1)[1]
            evil.writestr(item.filename, data)
    return buffer.getvalue()


def liaison_on_second_sheet(prepare_first: Callable) -> bytes:
    """The real LIAISON on a sheet named "liaison", after a first sheet set up by prepare_first."""
    def build(book):
        prepare_first(book.active)
        data = book.create_sheet("liaison")
        frame = real_frame("liaison")
        data.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            data.append([None if pd.isna(v) else v for v in row])
    return workbook_with(build)


def hidden_first_sheet() -> bytes:
    def decoy(sheet):
        sheet.title = "brouillon"
        sheet.append(["product_id", "id_web"])
        sheet.append([1, "faux"])
        sheet.sheet_state = "hidden"
    return liaison_on_second_sheet(decoy)


def empty_first_sheet() -> bytes:
    return liaison_on_second_sheet(lambda sheet: setattr(sheet, "title", "vide"))


def old_xls(frame: pd.DataFrame) -> bytes:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("liaison")
    for j, column in enumerate(frame.columns):
        sheet.write(0, j, column)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            if not pd.isna(value):
                sheet.write(i, j, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def password_protected() -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(real_bytes("erp"))).encrypt("secret", out)
    return out.getvalue()


def with_column(kind: str, column: str, mutate) -> pd.DataFrame:
    frame = real_frame(kind)
    frame[column] = mutate(frame[column])
    return frame


@dataclass(frozen=True)
class Case:
    """One malformed input: which slot it goes in, its file name and bytes, and the message it must get."""

    id: str
    slot: str
    name: str
    build: Callable[[], bytes]
    message: tuple[str, ...]


UNUSABLE = [
    Case("web_in_erp_slot", "erp", "web.xlsx", lambda: real_bytes("web"),
         ("Fichier « web.xlsx »", "« product_id »", "ressemble à l'export WEB")),
    Case("erp_in_web_slot", "web", "erp.xlsx", lambda: real_bytes("erp"),
         ("« sku »", "ressemble à l'export ERP")),
    Case("liaison_in_erp_slot", "erp", "liaison.xlsx", lambda: real_bytes("liaison"),
         ("« price »", "ressemble à l'export LIAISON")),
    Case("erp_in_liaison_slot", "liaison", "erp.xlsx", lambda: real_bytes("erp"),
         ("« id_web »", "ressemble à l'export ERP")),
    Case("liaison_in_web_slot", "web", "liaison.xlsx", lambda: real_bytes("liaison"),
         ("« sku »", "ressemble à l'export LIAISON")),
    Case("web_in_liaison_slot", "liaison", "web.xlsx", lambda: real_bytes("web"),
         ("« product_id »", "ressemble à l'export WEB")),
    Case("text_renamed_xlsx", "erp", "erp.xlsx", lambda: "product_id;price\n1;2\n".encode(),
         ("Fichier « erp.xlsx »", "extension .xlsx mais son contenu n'est ni un classeur Excel")),
    Case("pdf_renamed_xlsx", "erp", "erp.xlsx", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
         ("c'est un document PDF",)),
    Case("random_bytes_xlsx", "web", "web.xlsx", lambda: bytes(range(256)) * 64,
         ("Fichier « web.xlsx »", "n'est ni un classeur Excel")),
    Case("random_bytes_csv", "web", "web.csv", lambda: bytes(range(256)) * 64,
         ("ni un classeur Excel, ni un CSV, ni un Parquet",)),
    Case("empty_file", "liaison", "liaison.csv", lambda: b"", ("Fichier « liaison.csv »", "le fichier est vide")),
    Case("truncated_xlsx", "erp", "erp.xlsx", lambda: real_bytes("erp")[:20_000],
         ("endommagé ou tronqué",)),
    Case("password_protected", "erp", "erp.xlsx", password_protected, ("protégé par un mot de passe",)),
    Case("range_bomb", "erp", "erp.xlsx", lambda: range_bomb("XFD1048576"),
         ("plage utilisée de 1048576 lignes sur 16384 colonnes", "supprimez les lignes et colonnes vides")),
    Case("far_cell", "erp", "erp.xlsx", lambda: range_bomb("XFD2000"), ("plage utilisée de 2000 lignes",)),
    Case("zip_bomb", "web", "web.xlsx", zip_bomb, ("bombe de décompression",)),
    Case("billion_laughs", "liaison", "liaison.xlsx", billion_laughs, ("déclare des entités XML",)),
    Case("header_only", "erp", "erp.csv", lambda: b"product_id;price;stock_quantity\n",
         ("ne contient que l'en-tête",)),
    Case("missing_price", "erp", "erp.xlsx", lambda: xlsx(real_frame("erp").drop(columns=["price"])),
         ("colonne obligatoire absente : « price »",)),
    Case("missing_total_sales", "web", "web.xlsx", lambda: xlsx(real_frame("web").drop(columns=["total_sales"])),
         ("colonne obligatoire absente : « total_sales »",)),
    Case("price_as_word", "erp", "erp.xlsx",
         lambda: xlsx(with_column("erp", "price", lambda s: s.astype(object).where(s.index != 4, "douze"))),
         ("colonne « price »", "« douze »", "ligne 6")),
    Case("ragged_csv", "liaison", "liaison.csv", lambda: b"product_id;id_web\n1;10\n2;11;99;100\n3;12\n",
         ("plus de valeurs que l'en-tête", "ligne 3")),
    Case("corrupt_parquet", "web", "web.parquet", lambda: b"PAR1" + b"\x00garbage" * 50 + b"PAR1",
         ("Parquet est illisible",)),
    Case("too_large", "web", "web.csv", lambda: b"sku;total_sales;post_title\n" + b"1;2;x\n" * (9 * 2**20),
         ("au-delà de la limite de 50 Mo",)),
    Case("shared_id_web", "liaison", "liaison.xlsx",
         lambda: xlsx(with_column("liaison", "id_web", lambda s: s.astype(object).where(s.index != 1, s[0]))),
         ("plusieurs produits pointent vers le même id_web", "« 15298 »", "fusion multiplierait les lignes")),
]


def sources_with(case: Case, tmp_path: Path) -> dict[str, Path]:
    paths = {kind: REAL_DATA / f"{kind}.xlsx" for kind in KINDS}
    bad = tmp_path / case.name
    bad.write_bytes(case.build())
    paths[case.slot] = bad
    return paths


@pytest.mark.parametrize("case", UNUSABLE, ids=lambda c: c.id)
def test_unusable_file_gets_its_exact_french_message(case, tmp_path, real_data):
    paths = sources_with(case, tmp_path)
    with pytest.raises(InputError) as err:
        run_pipeline(paths["erp"], paths["liaison"], paths["web"])
    for fragment in case.message:
        assert fragment in str(err.value)


@pytest.mark.parametrize("case", UNUSABLE, ids=lambda c: c.id)
def test_cli_exits_2_with_one_message_and_no_traceback(case, tmp_path, real_data):
    paths = sources_with(case, tmp_path)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "bottleneck_core", "run", "--erp", str(paths["erp"]),
                           "--liaison", str(paths["liaison"]), "--web", str(paths["web"]), "--out", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    assert done.stderr.startswith("Erreur : ") and case.message[0] in done.stderr
    assert not out.exists()


def run_with(real_paths, **replaced: bytes):
    sources = dict(zip(KINDS, real_paths))
    sources.update(replaced)
    return run_pipeline(sources["erp"], sources["liaison"], sources["web"],
                        config=REPO / "config" / "test_config.yaml")


def figures(result) -> tuple:
    return result.revenue_total, result.summary["premium_count"], result.summary["rows"]["merged"]


REFERENCE_FIGURES = (70568.6, 30, 714)


def test_old_xls_is_read(real_paths):
    assert figures(run_with(real_paths, liaison=old_xls(real_frame("liaison")))) == REFERENCE_FIGURES


@pytest.mark.parametrize("build", [hidden_first_sheet, empty_first_sheet], ids=["hidden", "empty"])
def test_data_on_a_later_sheet_is_found_past_a_hidden_or_empty_first_sheet(real_paths, build):
    result = run_with(real_paths, liaison=build())
    assert figures(result) == REFERENCE_FIGURES
    assert result.sources["liaison"].sheet == "liaison"


def test_headers_with_other_case_spaces_and_accents_are_recognised(real_paths):
    erp = real_frame("erp").rename(columns={"product_id": " Product ID ", "price": "PRICE",
                                            "stock_quantity": "Stock_Quantity"})
    web = real_frame("web").rename(columns={"sku": "SKU", "total_sales": "Total Sales", "post_title": "pôst_title"})
    assert figures(run_with(real_paths, erp=xlsx(erp), web=xlsx(web))) == REFERENCE_FIGURES


def test_a_hostile_header_is_listed_as_text_and_never_run(real_paths):
    hostile = 'a" FROM t; DROP TABLE x; SELECT "a'
    erp = real_frame("erp").assign(**{hostile: 1, "<script>alert(1)</script>": 2})
    result = run_with(real_paths, erp=xlsx(erp))
    assert figures(result) == REFERENCE_FIGURES
    assert result.sources["erp"].unknown_columns == (hostile, "<script>alert(1)</script>")


def test_prices_written_as_euro_text_are_repaired_and_counted(real_paths):
    erp = real_frame("erp")
    erp["price"] = erp["price"].astype(object)
    erp.loc[[0, 1], "price"] = ["24,2 €", "34,3 €"]  # the same prices, typed by hand
    result = run_with(real_paths, erp=xlsx(erp))
    assert figures(result) == REFERENCE_FIGURES
    repaired = next(c for c in result.checks if c.id == "values_repaired")
    assert repaired.status == "failed" and repaired.severity == "warning" and repaired.offending_count == 2
    assert repaired.offending["original"].tolist() == ["24,2 €", "34,3 €"]
    assert repaired.offending["source_row"].tolist() == [2, 3]


def test_na_as_a_sku_is_a_key_not_a_missing_value(real_paths):
    web = real_frame("web")
    web["sku"] = web["sku"].astype(object)
    web.loc[web.index[1], "sku"] = "NA"  # that row had no sku
    result = run_with(real_paths, web=xlsx(web))
    assert result.summary["rows"]["web_clean"] == 1429
    assert "NA" in set(result.step("dedup_web").output["sku"])


@pytest.mark.parametrize("written", ["1.5298E4", " 15298 ", "15298.0"])
def test_keys_in_scientific_notation_or_padded_text_join_and_are_counted(real_paths, written):
    liaison = real_frame("liaison")
    liaison["id_web"] = liaison["id_web"].astype(object)
    assert liaison.loc[0, "id_web"] == 15298
    liaison.loc[0, "id_web"] = written
    result = run_with(real_paths, liaison=csv_bytes(liaison))
    assert figures(result) == REFERENCE_FIGURES
    assert next(c for c in result.checks if c.id == "values_repaired").offending_count == 1


def test_a_product_with_two_prices_exits_1_with_its_rows_in_checks_json(real_paths, tmp_path):
    erp = real_frame("erp")
    erp = pd.concat([erp, erp.iloc[[0]].assign(price=99.0)])
    path = tmp_path / "erp.xlsx"
    path.write_bytes(xlsx(erp))
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "bottleneck_core", "run", "--erp", str(path),
                           "--liaison", str(real_paths[1]), "--web", str(real_paths[2]), "--out", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    checks = {c["id"]: c for c in json.loads((out / "checks.json").read_text())}
    conflict = checks["erp_no_conflicting_duplicates"]
    assert conflict["status"] == "failed"
    assert [(r["product_id"], r["price"]) for r in conflict["offending_rows"]] == [("3847", 24.2), ("3847", 99.0)]


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252", "utf-8-sig"])
def test_csv_from_french_excel_in_any_encoding_gives_the_figures(real_paths, encoding):
    files = {kind: csv_bytes(real_frame(kind), encoding=encoding) for kind in KINDS}
    assert figures(run_with(real_paths, **files)) == REFERENCE_FIGURES


@pytest.mark.parametrize("prices", [[12.5], [12.5, 12.5, 12.5]], ids=["one_row", "constant_price"])
def test_uncomputable_statistics_say_so_and_leave_no_nan_in_exports(prices):
    n = len(prices)
    erp = pd.DataFrame({"product_id": range(1, n + 1), "price": prices, "stock_quantity": [1] * n})
    liaison = pd.DataFrame({"product_id": range(1, n + 1), "id_web": range(11, 11 + n)})
    web = pd.DataFrame({"sku": range(11, 11 + n), "total_sales": [2.0] * n, "post_title": ["Vin"] * n})
    result = run_pipeline(erp, liaison, web, config={"checks": {"premium_count": 0}})
    statuses = {c.id: c.status for c in result.checks}
    assert statuses["premium_count"] == "not_computable" and statuses["zscore_computable"] == "not_computable"
    assert result.checks_passed
    for name, data in result.exports().items():
        if name.endswith((".csv", ".json")):
            text = data.decode("utf-8-sig").lower()
            assert "nan" not in text and "inf" not in text, name
    book = openpyxl.load_workbook(io.BytesIO(result.exports()["rapport_ca.xlsx"]))
    values = [c.value for sheet in book for row in sheet.iter_rows() for c in row]
    assert not any(isinstance(v, str) and v.lower() in ("nan", "inf", "-inf") for v in values)


def test_formula_titles_never_become_live_formulas(real_paths):
    web = real_frame("web")
    web["post_title"] = web["post_title"].astype(object)
    web.loc[web["post_type"] == "product", "post_title"] = '=HYPERLINK("http://exemple.invalid","x")'
    web.loc[web["post_type"] == "attachment", "post_title"] = "@SUM(A1)"
    result = run_with(real_paths, web=csv_bytes(web))  # a CSV keeps the titles as typed
    book = openpyxl.load_workbook(io.BytesIO(result.exports()["rapport_ca.xlsx"]))
    names = [row[2] for row in book["CA par produit"].iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in names)
    premium = pd.read_csv(io.BytesIO(result.exports()["vins_premium.csv"]), sep=";", encoding="utf-8-sig")
    assert premium["Vin"].str.startswith("'").all()


@pytest.mark.parametrize("argv, fragment", [
    (["--period", "2026-13"], "AAAA-MM"),
    (["--threshold", "deux"], "arguments invalides"),
])
def test_bad_cli_values_exit_2(argv, fragment, real_paths, tmp_path):
    erp, liaison, web = map(str, real_paths)
    done = subprocess.run([sys.executable, "-m", "bottleneck_core", "run", "--erp", erp, "--liaison", liaison,
                           "--web", web, "--out", str(tmp_path), *argv], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2 and fragment in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("text, fragment", [
    (b"zscore_threshold: [2]\n", "doit être un nombre"),
    (b"checks:\n  erp_rows: 825\nextra: 1\n", "clés inconnues : extra"),
    (b"!!python/object/new:os.system [echo pwned]\n", "balise non autorisée"),
])
def test_bad_config_files_exit_2_and_never_run_code(text, fragment, real_paths, tmp_path):
    config = tmp_path / "config.yaml"
    config.write_bytes(text)
    erp, liaison, web = map(str, real_paths)
    done = subprocess.run([sys.executable, "-m", "bottleneck_core", "run", "--erp", erp, "--liaison", liaison,
                           "--web", web, "--config", str(config), "--out", str(tmp_path / "o")], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and fragment in done.stderr and "pwned" not in done.stdout
