"""Reading under contracts: every format, headers folded, wrong files recognised, each upload parsed once."""
from __future__ import annotations

import io

import pandas as pd
import pytest

from bottleneck_core.errors import InputError
from bottleneck_core.io import sandbox
from bottleneck_core.io.cells import fold_header
from bottleneck_core.io.contracts import closest_kind, guess_kind
from bottleneck_core.io.reading import NotAnExport, identify, identify_all, read_source, read_sources
from conftest import KINDS, csv_bytes


def test_each_real_export_reads_with_its_rows_numbered_as_in_the_spreadsheet(real_paths):
    tables = read_sources(dict(zip(KINDS, real_paths)))
    assert [t.raw_rows for t in tables.values()] == [825, 825, 1513]
    assert tables["erp"].frame["source_row"].iloc[[0, -1]].tolist() == [2, 826]
    assert tables["web"].unknown_columns == ()  # its 24 other WooCommerce columns are known, and not used


@pytest.mark.parametrize("header", ["Product_ID", "  product_id ", "PRODUCT ID", "prodúct_id", "product-id"])
def test_headers_match_after_trimming_case_spaces_dashes_and_accents(header):
    assert fold_header(header) == "product_id"


def test_guess_kind_recognises_each_real_export_and_closest_kind_one_that_lost_a_column(real_frames):
    for kind, frame in real_frames.items():
        assert guess_kind(list(frame.columns)) == kind
    renamed = real_frames["erp"].rename(columns={"price": "prix"})
    assert guess_kind(list(renamed.columns)) is None and closest_kind(list(renamed.columns)) == "erp"
    assert closest_kind(["date", "montant"]) is None


def test_wrong_file_in_a_slot_says_which_export_it_looks_like(real_paths):
    with pytest.raises(InputError) as err:
        read_source(real_paths[2], "erp")
    assert "ressemble à l'export WEB" in str(err.value) and "« product_id »" in str(err.value)


def test_csv_with_semicolon_and_decimal_comma_reads_like_xlsx(real_paths, real_frames):
    from_csv = read_source(csv_bytes(real_frames["erp"]), "erp", "erp.csv").frame
    from_xlsx = read_source(real_paths[0], "erp").frame
    pd.testing.assert_frame_equal(from_csv, from_xlsx, check_dtype=False)


def test_parquet_reads_like_xlsx(real_paths, real_frames):
    buffer = io.BytesIO()
    real_frames["web"].astype({"sku": "string"}).to_parquet(buffer)
    from_parquet = read_source(buffer.getvalue(), "web", "web.parquet").frame
    from_xlsx = read_source(real_paths[2], "web").frame
    assert from_parquet["sku"].tolist() == from_xlsx["sku"].tolist()
    assert from_parquet["total_sales"].fillna(-1).tolist() == from_xlsx["total_sales"].fillna(-1).tolist()


def test_file_object_bytes_and_path_read_alike(real_paths):
    path = real_paths[1]
    by_path, by_bytes, by_object = (read_source(s, "liaison").frame
                                    for s in (path, path.read_bytes(), io.BytesIO(path.read_bytes())))
    pd.testing.assert_frame_equal(by_path, by_bytes)
    pd.testing.assert_frame_equal(by_path, by_object)


def test_unknown_columns_are_listed_never_used():
    table = read_source(pd.DataFrame({"product_id": [1], "id_web": [2], 'a" FROM t; DROP TABLE x; --': [3]}),
                        "liaison")
    assert table.unknown_columns == ('a" FROM t; DROP TABLE x; --',)
    assert list(table.frame.columns) == ["product_id", "id_web", "source_row"]


def test_an_identified_export_is_analysed_without_being_parsed_again(real_paths, monkeypatch):
    guesses = [identify(p.read_bytes(), p.name) for p in real_paths]
    assert [g.kind for g in guesses] == list(KINDS) and all(g.table is not None for g in guesses)
    assert [(g.rows, g.columns) for g in guesses] == [(825, 5), (825, 2), (1513, 28)]
    monkeypatch.setattr(sandbox, "start_parse", lambda *a: pytest.fail("an identified file was parsed again"))
    assert read_source(guesses[0], "erp") is guesses[0].table
    with pytest.raises(InputError, match="ressemble à l'export WEB"):
        read_source(guesses[2], "erp")  # the same parsed cells, held to the other contract


def test_a_file_recognised_but_with_broken_values_says_why_and_is_not_refused_at_once():
    data = csv_bytes(pd.DataFrame({"product_id": [1, 2], "price": ["12,5", "douze"], "stock_quantity": [1, 2]}))
    guess = identify(data, "erp.csv")
    assert guess.kind == "erp" and guess.table is None and "« douze »" in guess.error and "ligne 3" in guess.error


def test_a_file_like_no_export_is_refused_with_its_columns():
    with pytest.raises(NotAnExport) as err:
        identify(b"date;montant\n2026-01-01;3\n", "banque.csv")
    assert "ses colonnes ne correspondent à aucun export attendu (colonnes trouvées : date, montant)" in str(err.value)


def test_a_long_list_of_columns_in_a_message_says_how_many_it_leaves_out(real_frames):
    web = real_frames["web"].rename(columns={"total_sales": "ventes"})
    with pytest.raises(InputError) as err:
        read_source(csv_bytes(web), "web", "web_ventes.csv")
    assert "colonne obligatoire absente : « total_sales »" in str(err.value)
    assert f"{', '.join(web.columns[:12])} et {len(web.columns) - 12} autres)" in str(err.value)
    with pytest.raises(NotAnExport) as err:
        identify(csv_bytes(pd.DataFrame({f"c{i}": [1] for i in range(13)})), "autre.csv")
    assert "c10, c11 et 1 autre)" in str(err.value)


def test_a_file_that_lost_a_required_column_is_identified_with_what_it_lacks(real_frames):
    guess = identify(csv_bytes(real_frames["erp"].rename(columns={"price": "prix"})), "erp.csv")
    assert (guess.kind, guess.missing, guess.table) == ("erp", ("price",), None)


def test_files_dropped_together_are_identified_in_their_order_each_with_its_own_outcome(real_paths, monkeypatch):
    started = []
    start = sandbox.start_parse
    monkeypatch.setattr("bottleneck_core.io.reading.start_parse",
                        lambda raw, *a: started.append((raw.name, len(finished))) or start(raw, *a))
    finished = []
    finish = sandbox.finish_parse
    monkeypatch.setattr("bottleneck_core.io.reading.finish_parse", lambda p: finished.append(p) or finish(p))
    erp, liaison, web = real_paths
    outcomes = identify_all([(web.read_bytes(), "web.xlsx"), (b"date;montant\n2026-01-01;3\n", "banque.csv"),
                             (b"", "vide.xlsx"), (erp.read_bytes(), "erp.xlsx")])
    assert [o.kind if not isinstance(o, InputError) else None for o in outcomes] == ["web", None, None, "erp"]
    assert isinstance(outcomes[1], NotAnExport) and "banque.csv" in str(outcomes[1])
    assert "vide.xlsx" in str(outcomes[2]) and not isinstance(outcomes[2], NotAnExport)
    # every parse started before the first was awaited: the files are parsed side by side, not one after another
    assert [finished_before for _, finished_before in started] == [0] * len(started)
