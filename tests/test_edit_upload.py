"""Reading uploads safely (smartcity.edit.upload): cells as text with Excel's row numbers, and every refusal with a
reason in Japanese: wrong type by name or content, size, zip bombs, entity expansion, macros, undecodable CSV."""
from __future__ import annotations

import datetime as dt
import io
import re
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
import xlsxwriter

from smartcity.edit import upload
from smartcity.edit.upload import Refused, read

JAPANESE = re.compile(r"[ぁ-んァ-ン一-龥]")


def refused(name: str, data: bytes, **kw) -> Refused:
    """The refusal of an upload; its Japanese reason says something in Japanese."""
    with pytest.raises(Refused) as err:
        read(name, data, **kw)
    assert JAPANESE.search(err.value.ja) and err.value.en and err.value.ja in str(err.value)
    return err.value


def workbook(rows: list[list], sheets: tuple[str, ...] = ("データ",), data_sheet: str | None = None) -> bytes:
    """A small workbook written by XlsxWriter: `rows` on the data sheet (None = no cell), other sheets empty."""
    out = io.BytesIO()
    with xlsxwriter.Workbook(out, {"in_memory": True}) as book:
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        for name in sheets:
            sheet = book.add_worksheet(name)
            if name != (data_sheet or sheets[-1]):
                sheet.write_string(0, 0, "not the data")
                continue
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if isinstance(value, dt.datetime):
                        sheet.write_datetime(r, c, value, day)
                    elif isinstance(value, tuple):  # (formula, cached result)
                        sheet.write_formula(r, c, value[0], None, value[1])
                    elif isinstance(value, bool):
                        sheet.write_boolean(r, c, value)
                    elif isinstance(value, (int, float)):
                        sheet.write_number(r, c, value)
                    elif value is not None:
                        sheet.write_string(r, c, value)
    return out.getvalue()


def replace_member(data: bytes, name: str, content: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """The workbook with one part replaced (and parts added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, content if item.filename == name else src.read(item.filename))
        for extra_name, extra_content in (extra or {}).items():
            dst.writestr(extra_name, extra_content)
    return out.getvalue()


GOOD = workbook([
    ["year", "value", "share", "day", "flag", "code", "note"],
    [2024, 43.0, 99.8, dt.datetime(2024, 3, 31), True, "01100", "テキスト"],
    [],
    [2025, 1234567, 0.1 + 0.2, None, False, "27100", ("=1+1", 2)],
])


# --- xlsx ---------------------------------------------------------------------------------------------------------


def test_xlsx_cells_are_text_exactly_with_excel_row_numbers():
    up = read("figures.xlsx", GOOD)
    assert up.kind == "xlsx" and up.sheet == "データ" and up.header_row == 1
    assert up.header == ["year", "value", "share", "day", "flag", "code", "note"]
    assert [n for n, _ in up.rows] == [2, 4]  # the blank row 3 keeps its number
    first = up.rows[0][1]
    assert first == {"year": "2024", "value": "43", "share": "99.8", "day": "2024-03-31", "flag": "true",
                     "code": "01100", "note": "テキスト"}
    assert up.rows[1][1]["share"] == "0.3"  # Excel's 15 significant digits, not 0.30000000000000004
    assert up.sha256 and len(up.sha256) == 64


def test_a_formula_is_reported_as_written_never_its_result():
    up = read("figures.xlsx", GOOD)
    assert up.rows[1][1]["note"] == "=1+1"  # not the cached result 2
    assert [(n.row, n.column, n.kind, n.text) for n in up.notes] == [(4, "note", "formula", "=1+1")]


def test_excel_errors_and_values_outside_the_header_are_noted():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["year", "value"])
    sheet.append([2024, "#N/A", None, "stray"])
    out = io.BytesIO()
    book.save(out)
    up = read("figures.xlsx", out.getvalue())
    assert {(n.row, n.column, n.kind) for n in up.notes} == {(2, "value", "error"), (2, "D", "outside")}
    assert up.rows == [(2, {"year": "2024", "value": "#N/A"})]


def test_the_template_data_sheet_is_read_even_when_not_first():
    data = workbook([["a"], ["x"]], sheets=("説明", "データ"))
    assert read("t.xlsx", data).rows == [(2, {"a": "x"})]
    data = workbook([["a"], ["y"]], sheets=("Sheet1", "Other"), data_sheet="Sheet1")
    up = read("t.xlsx", data)
    assert up.sheet == "Sheet1" and up.rows == [(2, {"a": "y"})]


# --- CSV ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding, bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp932", b"")])
def test_csv_in_utf8_bom_or_cp932(encoding, bom):
    data = bom + "code,name\n01100,札幌市\n".encode(encoding)
    up = read("m.csv", data)
    assert up.header == ["code", "name"] and up.rows == [(2, {"code": "01100", "name": "札幌市"})]
    assert up.encoding == ("utf-8-sig" if bom else encoding) and up.sheet is None


def test_csv_rows_are_numbered_as_excel_shows_them():
    up = read("m.csv", b'a,b\n1,2\n\n3,"two\nlines"\n4,5\n')
    assert [n for n, _ in up.rows] == [2, 4, 5]  # a blank line is a row; a quoted line break is not
    assert up.rows[1][1]["b"] == "two\nlines"


def test_csv_formula_is_noted_and_neutralised_text_comes_back():
    up = read("m.csv", b"a,b\n=SUM(A1:A3),'-5 note\n")
    assert up.rows[0][1] == {"a": "=SUM(A1:A3)", "b": "-5 note"}  # the apostrophe our downloads add is removed
    assert [(n.row, n.column, n.kind) for n in up.notes] == [(2, "a", "formula")]


def test_csv_value_beyond_the_header_is_noted():
    up = read("m.csv", b"a,b\n1,2,3\n")
    assert [(n.row, n.column, n.kind, n.text) for n in up.notes] == [(2, "列 3", "outside", "3")]


# --- refusals -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["data.xls", "data.xlsm", "data.txt", "data", "data.csv.exe"])
def test_only_xlsx_and_csv_names(name):
    err = refused(name, b"a,b\n1,2\n")
    assert ".xlsx" in err.ja and ".csv" in err.ja


def test_xlsx_by_name_must_be_a_workbook_by_content():
    assert "中身" in refused("data.xlsx", b"a,b\n1,2\n").ja
    assert "パスワード" in refused("data.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100).ja
    assert "Excel" in refused("data.csv", GOOD).ja  # a workbook renamed .csv


def test_a_zip_without_the_workbook_parts_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "hi")
    assert "構成" in refused("data.xlsx", out.getvalue()).ja
    assert "壊れ" in refused("data.xlsx", b"PK\x03\x04broken").ja


def test_size_limit_from_the_environment(monkeypatch):
    monkeypatch.setenv("SMARTCITY_UPLOAD_MAX_KB", "1")
    err = refused("m.csv", b"a\n" + b"1\n" * 600)
    assert "大きすぎ" in err.ja and "1 KB" in err.ja
    monkeypatch.delenv("SMARTCITY_UPLOAD_MAX_KB")
    assert upload.max_bytes() == 1024 * 1024
    assert read("m.csv", b"a\n" + b"1\n" * 600).rows


def test_empty_file_is_refused():
    assert "空" in refused("m.csv", b"").ja
    assert "空" in refused("m.csv", b"  \n").ja


def test_zip_bomb_by_total_size_is_refused_before_parsing():
    bomb = replace_member(GOOD, "xl/worksheets/sheet1.xml", b"\0" * (upload.MAX_UNCOMPRESSED + 1))
    assert len(bomb) < 1024 * 1024  # small enough to pass the size limit
    start = time.perf_counter()
    err = refused("bomb.xlsx", bomb)
    assert "zip 爆弾" in err.ja and time.perf_counter() - start < 1  # from the directory, nothing expanded


def test_zip_bomb_by_ratio_is_refused():
    bomb = replace_member(GOOD, "xl/worksheets/sheet1.xml", b"\0" * (5 * 2**20))
    assert "圧縮率" in refused("bomb.xlsx", bomb).ja


def test_macros_are_refused():
    assert "マクロ" in refused("m.xlsx", replace_member(GOOD, "", b"", {"xl/vbaProject.bin": b"\0" * 10})).ja


LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
                    for i in range(1, 10))
          + ']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>').encode()
XXE = ('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
       '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
       '<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>').encode()


@pytest.mark.parametrize("xml", [LAUGHS, XXE, LAUGHS.decode().replace('"1.0"?>', '"1.0" encoding="UTF-16"?>')
                                 .encode("utf-16")], ids=["billion-laughs", "external-entity", "utf-16"])
def test_entity_declarations_in_sheet_xml_are_refused_without_expanding(xml):
    bomb = replace_member(GOOD, "xl/worksheets/sheet1.xml", xml)
    tracemalloc.start()
    try:
        err = refused("laughs.xlsx", bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "実体" in err.ja and "xl/worksheets/sheet1.xml" in err.ja
    assert peak < 20 * 2**20  # a billion laughs expanded would need gigabytes


def test_openpyxl_itself_parses_sheets_through_defusedxml():
    """The second line of defence: were the scan bypassed, openpyxl's parser (defusedxml) refuses the entities."""
    bomb = replace_member(GOOD, "xl/worksheets/sheet1.xml", LAUGHS)
    tracemalloc.start()
    try:
        with pytest.raises(Refused) as err:
            upload._read_xlsx("laughs.xlsx", bomb, "0" * 64)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "実体" in err.value.ja and peak < 50 * 2**20


def test_a_damaged_workbook_is_refused_not_a_crash():
    broken = replace_member(GOOD, "xl/workbook.xml", b"<workbook><unclosed>")
    assert "読めません" in refused("broken.xlsx", broken).ja


@pytest.mark.parametrize("data, words", [
    (b"\xff\xfea\x00,\x00b\x00", "UTF-16"),
    (b"a,b\n1,\x81\x20\n", "文字コード"),  # neither UTF-8 nor CP932 (a lead byte without its trail byte)
    (b"a,b\n1,\x002\n", "NUL"),
])
def test_undecodable_csv_is_refused(data, words):
    assert words in refused("m.csv", data).ja


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(upload, "MAX_ROWS", 3)
    assert "行が多すぎ" in refused("m.csv", b"a\n" + b"1\n" * 10).ja


# --- limits: reading stops at the first one passed, so a crafted file costs little ------------------------------------

HEAD_XML = ('<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c>'
            '<c r="B1" t="inlineStr"><is><t>b</t></is></c></row>')


def sheet(rows_xml: str) -> bytes:
    """GOOD with its data sheet written by hand: a header a, b, then `rows_xml` (no <dimension>, as some tools)."""
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           f'<sheetData>{HEAD_XML}{rows_xml}</sheetData></worksheet>')
    return replace_member(GOOD, "xl/worksheets/sheet1.xml", xml.encode())


def test_stray_cells_up_to_the_limit_are_noted_past_it_refused():
    rows = "1,2,x\n" * upload.MAX_STRAY
    up = read("s.csv", f"a,b\n{rows}".encode())
    assert len(up.notes) == upload.MAX_STRAY and {n.kind for n in up.notes} == {"outside"}
    err = refused("s.csv", f"a,b\n{rows}1,2,x\n{rows}".encode())
    assert "見出しのない列" in err.ja and f"{upload.MAX_STRAY + 2} 行目までで {upload.MAX_STRAY + 1} 個" in err.ja


def test_a_workbook_full_of_stray_cells_is_refused_where_the_limit_is_passed():
    data = workbook([["a", "b"]] + [[1, 2] + ["x"] * 60] * 50)
    err = refused("s.xlsx", data)
    assert "3 行目までで 120 個" in err.ja and "up to row 3" in err.en  # not read further


@pytest.mark.parametrize("name, data", [
    ("c.csv", b"a\n" + b"," * upload.MAX_COLUMN + b"x\n"),
    ("c.xlsx", sheet('<row r="2"><c r="XFE2"><v>1</v></c></row>')),
])
def test_a_cell_right_of_excels_last_column_is_refused(name, data):
    err = refused(name, data)
    assert "16,384" in err.ja and "2 行目" in err.ja


def test_a_row_below_excels_last_row_is_refused():
    start = time.perf_counter()
    err = refused("r.xlsx", sheet('<row r="1048577"><c r="A1048577"><v>1</v></c></row>'))
    assert "1,048,576" in err.ja and time.perf_counter() - start < 10


def test_blank_cells_far_right_count_towards_the_cell_limit():
    rows = "".join(f'<row r="{i}"><c r="XFD{i}"/></row>' for i in range(2, 2 + 2 * upload.MAX_CELLS // 16_384))
    start = time.perf_counter()
    err = refused("b.xlsx", sheet(rows))
    assert "空のセルを含む" in err.ja and time.perf_counter() - start < 5


def test_too_many_rows_of_a_workbook_are_refused(monkeypatch):
    monkeypatch.setattr(upload, "MAX_ROWS", 3)
    assert "行が多すぎ" in refused("m.xlsx", workbook([["a"]] + [[1]] * 10)).ja
    assert len(read("m.xlsx", workbook([["a"]] + [[1]] * 3)).rows) == 3


def test_a_workbook_with_too_many_xml_elements_is_refused_before_openpyxl_reads_it(monkeypatch):
    data = sheet("<row>" + "<c/>" * 3000 + "</row>")
    assert read("e.xlsx", data).rows == []  # blank cells only
    monkeypatch.setattr(upload, "MAX_ELEMENTS", 3000)
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("parsed"))
    err = refused("e.xlsx", data)
    assert "XML 要素" in err.ja and "3,0" in err.ja


def test_a_workbook_with_too_many_formats_is_refused(monkeypatch):
    monkeypatch.setattr(upload, "MAX_STYLE_ELEMENTS", 5)
    assert "書式が多すぎ" in refused("f.xlsx", GOOD).ja
