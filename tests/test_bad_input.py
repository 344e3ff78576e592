"""A corpus of malformed and misleading inputs, built here from the real exports, each with the behaviour it must
get, judged against the reference figures: unusable files get one French message naming the file (and the column and
the rows), exit code 2 and no traceback; what reading can repair without guessing is repaired and said in a warning;
nothing yields a plausible wrong figure."""
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

from bottleneck_core import InputError, deliverables, run_pipeline
from bottleneck_core.runs.cli import main
from conftest import KINDS, REAL_DATA, REFERENCE_CONFIG, REPO, csv_bytes, xlsx


def real_bytes(kind: str) -> bytes:
    return (REAL_DATA / f"{kind}.xlsx").read_bytes()


def real_frame(kind: str) -> pd.DataFrame:
    return pd.read_excel(REAL_DATA / f"{kind}.xlsx", engine="calamine")


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
    Case("empty_workbook", "erp", "erp.xlsx", lambda: workbook_with(lambda book: None),
         ("le classeur est vide", "Vérifiez que c'est le bon fichier")),
    Case("data_only_on_a_hidden_sheet", "liaison", "liaison.xlsx",
         lambda: workbook_with(lambda book: (book.active.append(["product_id", "id_web"]),
                                             setattr(book.active, "sheet_state", "hidden"), book.create_sheet("vide"))),
         ("aucune feuille visible du classeur ne contient de données", "elle est masquée")),
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
         ("colonne « price », ligne 6 :", "« douze »")),
    Case("ragged_csv", "liaison", "liaison.csv", lambda: b"product_id;id_web\n1;10\n\n2;11;99;100\n3;12\n",
         ("ligne 4 :", "plus de valeurs que l'en-tête")),
    Case("corrupt_parquet", "web", "web.parquet", lambda: b"PAR1" + b"\x00garbage" * 50 + b"PAR1",
         ("Parquet est illisible",)),
    Case("too_large", "web", "web.csv", lambda: b"sku;total_sales;post_title\n" + b"1;2;x\n" * (9 * 2**20),
         ("au-delà de la limite de 50 Mo",)),
    Case("shared_id_web", "liaison", "liaison.xlsx",
         lambda: xlsx(with_column("liaison", "id_web", lambda s: s.astype(object).where(s.index != 1, s[0]))),
         ("plusieurs produits pointent vers le même id_web", "« 15298 »", "fusion multiplierait les lignes")),
    # Numbers that could only be read by guessing: the run stops, naming the file, the column and the rows.
    Case("thousands_beside_decimal_commas", "erp", "erp.csv",
         lambda: csv_bytes(with_column("erp", "price", lambda s: s.map(lambda v: f"{v:.1f}".replace(".", ","))
                                       .where(s.index != 3, "3,430.00"))),
         ("colonne « price », ligne 5 :", "écrits de deux façons", "« 3,430.00 »")),
    Case("true_as_sales", "web", "web.xlsx",
         lambda: xlsx(with_column("web", "total_sales", lambda s: s.astype(object).where(s.index != 2, True))),
         ("colonne « total_sales », ligne 4 :", "VRAI/FAUX ou erreur Excel")),
    Case("excel_error_as_price", "erp", "erp.xlsx", lambda: error_cell("erp", "C4", "#DIV/0!"),
         ("colonne « price », ligne 4 :", "« #DIV/0! »")),
    Case("excel_error_as_key", "liaison", "liaison.xlsx", lambda: error_cell("liaison", "B7", "#N/A"),
         ("colonne « id_web », ligne 7 :", "« #N/A »")),
    # CSV read within the same bounds as workbooks.
    Case("quarter_million_columns", "web", "web.csv", lambda: (";".join(f"c{i}" for i in range(250_000))).encode(),
         ("l'en-tête compte 250 000 colonnes",)),
    Case("twenty_megabyte_line", "web", "web.csv", lambda: b"sku;total_sales;post_title\n1;2;" + b"x" * (20 << 20),
         ("dépasse 1 Mo",)),
]


def error_cell(kind: str, cell: str, code: str) -> bytes:
    """The real export with one cell holding an Excel error (as a failed formula leaves it)."""
    import warnings

    with warnings.catch_warnings():  # openpyxl notes the export's extension it does not know
        warnings.simplefilter("ignore", UserWarning)
        book = openpyxl.load_workbook(REAL_DATA / f"{kind}.xlsx")
    book.active[cell] = code
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()




def sources_with(case: Case, tmp_path: Path) -> dict[str, Path]:
    paths = {kind: REAL_DATA / f"{kind}.xlsx" for kind in KINDS}
    bad = tmp_path / case.name
    bad.write_bytes(case.build())
    paths[case.slot] = bad
    return paths


@pytest.mark.parametrize("case", UNUSABLE, ids=lambda c: c.id)
def test_an_unusable_file_gets_its_exact_french_message_and_the_cli_exits_2(case, tmp_path, real_data, capsys):
    paths = sources_with(case, tmp_path)
    with pytest.raises(InputError) as err:
        run_pipeline(paths["erp"], paths["liaison"], paths["web"])
    for fragment in case.message:
        assert fragment in str(err.value)
    assert str(err.value).startswith(f"Fichier « {case.name}") or case.id == "shared_id_web"
    out = tmp_path / "out"
    code = main(["run", "--erp", str(paths["erp"]), "--liaison", str(paths["liaison"]), "--web", str(paths["web"]),
                 "--out", str(out)])
    printed = capsys.readouterr().err
    assert code == 2 and printed.startswith("Erreur : ") and printed.count("\n") == 1 and not out.exists()


@pytest.mark.parametrize("case_id", ["web_in_erp_slot", "range_bomb", "excel_error_as_price"])
def test_the_cli_process_itself_exits_2_with_one_line_and_no_traceback(case_id, tmp_path, real_data):
    case = next(c for c in UNUSABLE if c.id == case_id)
    paths = sources_with(case, tmp_path)
    done = subprocess.run([sys.executable, "-m", "bottleneck_core", "run", "--erp", str(paths["erp"]),
                           "--liaison", str(paths["liaison"]), "--web", str(paths["web"]), "--out", str(tmp_path / "o")],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    assert done.stderr.startswith("Erreur : ") and case.message[0] in done.stderr


def run_with(real_paths, **replaced: bytes):
    sources = dict(zip(KINDS, real_paths))
    sources.update(replaced)
    return run_pipeline(sources["erp"], sources["liaison"], sources["web"], config=REFERENCE_CONFIG)


def figures(result) -> tuple:
    return result.revenue_total, len(result.premium), result.step("merge").rows_out


REFERENCE_FIGURES = (70568.6, 30, 714)


def warned(result, check_id: str):
    """The check, which must be a failed warning: what reading repaired or adjusted, said."""
    check = next(c for c in result.checks if c.id == check_id)
    assert check.status == "failed" and check.severity == "warning", check.message
    return check


def keys_written(frame: pd.DataFrame, column: str, write) -> pd.DataFrame:
    """The column's numbers written another way (its texts, such as bon-cadeau-25-euros, left as they are)."""
    return frame.assign(**{column: frame[column].map(
        lambda v: None if pd.isna(v) else write(v) if isinstance(v, (int, float)) else v).astype(object)})


# Class 1: keys written another way must still join; the figures stay the reference ones, the repairs are said.
@pytest.mark.parametrize("write", [lambda v: f"{int(v)},0",  # 15298,0 in a French CSV
                                   lambda v: f"{int(v):,}".replace(",", " "),  # 15 298
                                   lambda v: f" {int(v)} "], ids=["decimal_comma", "thousands_space", "padded"])
def test_keys_written_with_a_decimal_comma_a_thousands_space_or_padding_still_join(real_paths, real_frames, write):
    liaison = keys_written(real_frames["liaison"], "id_web", write)
    result = run_with(real_paths, liaison=csv_bytes(liaison))
    assert figures(result) == REFERENCE_FIGURES and result.checks_passed
    assert warned(result, "values_repaired").offending_count > 0


def test_keys_formatted_as_dates_in_excel_are_read_as_their_number(real_paths):
    def as_dates(sheet):
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row=row, column=1).number_format = "yyyy-mm-dd"
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        book = openpyxl.load_workbook(REAL_DATA / "erp.xlsx")
    as_dates(book.active)
    buffer = io.BytesIO()
    book.save(buffer)
    result = run_with(real_paths, erp=buffer.getvalue())
    assert figures(result) == REFERENCE_FIGURES
    repaired = warned(result, "values_repaired")
    assert repaired.offending_count == 825
    assert repaired.offending.iloc[0][["column", "original", "repaired"]].tolist() == ["product_id", "1910-07-13",
                                                                                      "3847"]


def test_data_lines_ending_with_the_separator_keep_every_column_in_place(real_paths, real_frames):
    text = real_frames["erp"].to_csv(sep=";", decimal=",", index=False).splitlines()
    data = ("\n".join([text[0]] + [line + ";" for line in text[1:]]) + "\n").encode()
    result = run_with(real_paths, erp=data)
    assert figures(result) == REFERENCE_FIGURES
    assert warned(result, "file_adjusted").offending_count == 825


# Class 2: numbers that a silent guess would misread.
def test_thousands_separators_are_read_when_the_whole_column_agrees(real_paths, real_frames):
    erp = keys_written(real_frames["erp"], "price", lambda v: f"{v:,.2f}")  # 24.20, 1,234.50: one convention
    erp.loc[0, "price"] = "1,024.20"
    result = run_with(real_paths, erp=csv_bytes(erp, sep=",", decimal="."))
    assert result.products.set_index("product_id").loc["3847", "price"] == 1024.2
    assert not result.checks_passed and next(c for c in result.checks if c.id == "revenue_total").status == "failed"


def test_a_utf8_file_with_one_stray_byte_keeps_its_accented_titles_and_warns_with_the_line(real_paths, real_frames):
    data = csv_bytes(real_frames["web"]).replace("Parés".encode(), b"Par\xe9s", 1)  # one title typed in Windows-1252
    result = run_with(real_paths, web=data)
    assert figures(result) == REFERENCE_FIGURES
    titles = set(result.products["name"].dropna())
    assert "Château Saransot-Dupré Bordeaux Blanc 2016" in titles and "Par\ufffds Baltà Penedès Indigena 2017" in titles
    adjusted = warned(result, "file_adjusted").offending
    assert adjusted["original"].tolist() == ["octet 0xE9 (utf-8)"] and adjusted["file"].tolist() == ["export WEB"]


# Class 3: what used to be a traceback.
@pytest.mark.parametrize("damage", [lambda d: d[:-1], lambda d: d + b"\n", lambda d: d + b"\x00\xd8"],
                         ids=["truncated", "padded", "lone_surrogate"])
def test_a_damaged_utf16_file_is_read_and_its_damage_said(real_paths, real_frames, damage):
    data = damage(csv_bytes(real_frames["liaison"], encoding="utf-16"))
    result = run_with(real_paths, liaison=data)
    assert figures(result) == REFERENCE_FIGURES and warned(result, "file_adjusted").offending_count == 1


def test_old_xls_is_read(real_paths):
    assert figures(run_with(real_paths, liaison=old_xls(real_frame("liaison")))) == REFERENCE_FIGURES


@pytest.mark.parametrize("build", [hidden_first_sheet, empty_first_sheet], ids=["hidden", "empty"])
def test_data_on_a_later_sheet_is_found_past_a_hidden_or_empty_first_sheet(real_paths, build):
    result = run_with(real_paths, liaison=build())
    assert figures(result) == REFERENCE_FIGURES and result.sources["liaison"].sheet == "liaison"


def test_headers_with_other_case_spaces_and_accents_are_recognised(real_paths):
    erp = real_frame("erp").rename(columns={"product_id": " Product ID ", "price": "PRICE",
                                            "stock_quantity": "Stock_Quantity"})
    web = real_frame("web").rename(columns={"sku": "SKU", "total_sales": "Total Sales", "post_title": "pôst_title"})
    assert figures(run_with(real_paths, erp=xlsx(erp), web=xlsx(web))) == REFERENCE_FIGURES


def test_a_hostile_header_is_listed_as_text_and_never_run(real_paths):
    hostile = 'a" FROM t; DROP TABLE x; SELECT "a'
    result = run_with(real_paths, erp=xlsx(real_frame("erp").assign(**{hostile: 1, "<script>alert(1)</script>": 2})))
    assert figures(result) == REFERENCE_FIGURES
    assert result.sources["erp"].unknown_columns == (hostile, "<script>alert(1)</script>")


def test_prices_written_as_euro_text_are_repaired_and_counted(real_paths):
    erp = real_frame("erp")
    erp["price"] = erp["price"].astype(object)
    erp.loc[[0, 1], "price"] = ["24,2 €", "34,3 €"]  # the same prices, typed by hand
    result = run_with(real_paths, erp=xlsx(erp))
    assert figures(result) == REFERENCE_FIGURES
    repaired = warned(result, "values_repaired").offending
    assert repaired["original"].tolist() == ["24,2 €", "34,3 €"] and repaired["source_row"].tolist() == [2, 3]


def test_na_as_a_sku_is_a_key_not_a_missing_value(real_paths):
    web = real_frame("web")
    web["sku"] = web["sku"].astype(object)
    web.loc[web.index[1], "sku"] = "NA"  # that row had no sku
    result = run_with(real_paths, web=xlsx(web))
    assert result.step("clean_web").rows_out == 1429 and "NA" in set(result.step("dedup_web").output["sku"])


def test_a_product_with_two_prices_exits_1_with_its_rows_in_the_checks_file(real_paths, tmp_path, capsys):
    erp = real_frame("erp")
    path = tmp_path / "erp.xlsx"
    path.write_bytes(xlsx(pd.concat([erp, erp.iloc[[0]].assign(price=99.0)])))
    out = tmp_path / "out"
    code = main(["run", "--erp", str(path), "--liaison", str(real_paths[1]), "--web", str(real_paths[2]), "--out",
                 str(out)])
    assert code == 1
    conflict = next(c for c in json.loads((out / "controles.json").read_text())
                    if c["id"] == "erp_no_conflicting_duplicates")
    assert conflict["status"] == "failed"
    assert [(r["product_id"], r["price"]) for r in conflict["offending_rows"]] == [("3847", 24.2), ("3847", 99.0)]


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252", "utf-8-sig"])
def test_csv_from_french_excel_in_any_encoding_gives_the_figures(real_paths, real_frames, encoding):
    files = {kind: csv_bytes(real_frames[kind], encoding=encoding) for kind in KINDS}
    assert figures(run_with(real_paths, **files)) == REFERENCE_FIGURES


def test_formula_titles_never_become_live_formulas(real_paths):
    web = real_frame("web")
    web["post_title"] = web["post_title"].astype(object)
    web.loc[web["post_type"] == "product", "post_title"] = '=HYPERLINK("http://exemple.invalid","x")'
    web.loc[web["post_type"] == "attachment", "post_title"] = "@SUM(A1)"
    files = deliverables(run_with(real_paths, web=csv_bytes(web)))  # a CSV keeps the titles as typed
    names = [row[2] for row in openpyxl.load_workbook(io.BytesIO(files["rapport_ca.xlsx"]))["CA par produit"]
             .iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in names)
    premium = pd.read_csv(io.BytesIO(files["vins_premium.csv"]), sep=";", encoding="utf-8-sig")
    assert premium["Vin"].str.startswith("'").all()


@pytest.mark.parametrize("text, fragment", [
    (b"zscore_threshold: [2]\n", "doit être un nombre"),
    (b"checks:\n  erp_rows: 825\nextra: 1\n", "clés inconnues : extra"),
    (b"!!python/object/new:os.system [echo pwned]\n", "balise non autorisée"),
])
def test_bad_config_files_exit_2_and_never_run_code(text, fragment, real_paths, tmp_path, capsys):
    config = tmp_path / "config.yaml"
    config.write_bytes(text)
    erp, liaison, web = map(str, real_paths)
    code = main(["run", "--erp", erp, "--liaison", liaison, "--web", web, "--config", str(config), "--out",
                 str(tmp_path / "o")])
    out, err = capsys.readouterr()
    assert code == 2 and fragment in err and "pwned" not in out
