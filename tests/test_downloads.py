"""Downloads named for what they hold: file-name stems from the English title and the data's date, CSV names, the
numbers of a download equal to the numbers shown (stored at the precision shown), and the Excel file (codes as text,
numbers as numbers, formula-like text neutralised, a 「出典・Source」 sheet)."""
from __future__ import annotations

import base64
import csv
import datetime as dt
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from helpers import find, graphs, layout_of, page_text
from smartcity import components
from smartcity.components import Col
from smartcity.export import SOURCE_SHEET, file_stem, iso_day, slug

COLUMNS = [Col("geo_code", "団体コード", "Code"), Col("name", "名称", "Name"),
           Col("rate", "交付率（％）", "Rate (%)", True, number_format=",.2f"),
           Col("share", "割合", "Share", True, number_format=".1%"),
           Col("cards", "交付枚数", "Cards", True, number_format=",d"),
           Col("population", "人口", "Population", True)]
FRAME = pd.DataFrame({"geo_code": ["01100", "27100"], "name": ["=HYPERLINK(\"x\")", "大阪市"],
                      "rate": [12.345678, 50.2649], "share": [0.123456, 0.5], "cards": [1234.6, 99.0],
                      "population": [1_960_668, 2_732_197]})


def card(lang: str = "ja", **kwargs):
    return components.chart_card("t-chart", "マイナンバーカード交付率", "My Number card issuance rate", None,
                                 FRAME, COLUMNS, "総務省", "MIC", lang, **kwargs)


def meta_of(component, key: str = "t-chart") -> dict:
    return find(component, components.meta_id(key)).data


def decode(sent: dict) -> bytes:
    return base64.b64decode(sent["content"])


# --- file names -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("title", "as_of", "filename", "stem"), [
    ("My Number card issuance rate", None, None, "my_number_card_issuance_rate"),
    ("My Number card issuance rate", "2022-09-30", None, "my_number_card_issuance_rate_2022-09-30"),
    ("My Number card issuance rate", dt.date(2022, 9, 30), None, "my_number_card_issuance_rate_2022-09-30"),
    ("x", pd.Timestamp("2022-09-30 12:00"), "mynumber_issuance_osaka", "mynumber_issuance_osaka_2022-09-30"),
    ("x", "2022-09-30", "mynumber_issuance_osaka_2022-09-30", "mynumber_issuance_osaka_2022-09-30"),
    ("Issuance rate among municipalities of similar population (0.5x–2x)", None, None,
     "issuance_rate_among_municipalities_of_similar_population"),
    ("x", None, "../etc/passwd name", "etc_passwd_name"),
    ("マイナンバー", None, None, "t_chart"),  # nothing ASCII: the key
    ("Trend and target", "not a date", None, "trend_and_target"),
])
def test_file_stem(title, as_of, filename, stem):
    assert file_stem(title, as_of, filename, fallback="t-chart") == stem


def test_slug_and_day_helpers():
    assert slug("Online application rate of each procedure, against the Osaka, Japan and similar-size peers "
                "medians") == "online_application_rate_of_each_procedure_against_the_osaka"  # whole words, ≤ 60
    assert slug("Café — 2024") == "cafe_2024"
    assert iso_day("2024/7/12") == "2024-07-12" and iso_day("2024-02-30") is None and iso_day(float("nan")) is None


def test_chart_card_names_downloads_and_shows_the_date():
    meta = meta_of(card(as_of="2022-09-30"))
    assert meta["filename"] == "my_number_card_issuance_rate_2022-09-30" and meta["graph"] == "t-chart-graph"
    assert meta["as_of"] == "2022-09-30" and meta["title_ja"] == "マイナンバーカード交付率" and meta["source_en"] == "MIC"
    config = graphs(card(as_of="2022-09-30"))[0].config
    assert config["toImageButtonOptions"] == {"format": "png", "scale": 2,
                                              "filename": "my_number_card_issuance_rate_2022-09-30"}
    assert page_text(find(card(as_of="2022-09-30"), "t-chart-asof")) == "データ時点：2022年9月30日"
    assert page_text(find(card("en", as_of="2022-09-30"), "t-chart-asof")) == "Data as of 30 Sep 2022"
    assert meta_of(card(filename="mynumber_issuance_osaka", as_of="2022-09-30"))["filename"] == \
        "mynumber_issuance_osaka_2022-09-30"
    assert meta_of(card())["filename"] == "my_number_card_issuance_rate"  # no date: none in the name


def test_buttons_beside_the_grid():
    labels = page_text(card())
    assert "CSV（UTF-8, Excel 用）" in labels and "Excel（.xlsx）" in labels and "画像（PNG）" in labels
    assert "Excel (.xlsx)" in page_text(card("en")) and "Image (PNG)" in page_text(card("en"))
    twin = components.table_twin("t-table", FRAME, COLUMNS, "ja", title=("表", "The table"))
    assert "画像（PNG）" not in page_text(twin)  # a table without a chart has no picture
    assert meta_of(twin, "t-table")["filename"] == "the_table" and meta_of(twin, "t-table")["graph"] is None
    assert meta_of(components.table_twin("mp-holding", FRAME, COLUMNS, "ja"), "mp-holding")["filename"] == \
        "mp_holding"  # without a title: the key


def test_tab_leaves_the_grid():
    grid = find(card(), components.grid_id("t-chart"))
    assert grid.dashGridOptions["tabToNextCell"] == {"function": "false"}
    assert grid.dashGridOptions["tabToNextHeader"] == {"function": "false"}


# --- the numbers: stored as shown -------------------------------------------------------------------------------------


def test_rows_are_rounded_to_the_precision_shown():
    rows = components.rows(FRAME, COLUMNS)
    assert [r["rate"] for r in rows] == [12.35, 50.26]  # ",.2f"
    assert [r["share"] for r in rows] == [0.123, 0.5]  # ".1%" shows 12.3 %
    assert [r["cards"] for r in rows] == [1235, 99] and isinstance(rows[0]["cards"], int)  # ",d"
    assert [r["population"] for r in rows] == [1_960_668, 2_732_197]  # no format: as it is
    assert rows[0]["geo_code"] == "01100"
    missing = components.rows(pd.DataFrame({"rate": [None, float("nan")]}), [COLUMNS[2]])
    assert missing == [{"rate": None}, {"rate": None}]


@pytest.mark.parametrize(("fmt", "digits"), [(",.4~f", 4), (".1~f", 1), (",d", 0), (".1%", 3), (",f", 6),
                                             (",", None), (".3s", None), (None, None)])
def test_shown_digits(fmt, digits):
    assert components.shown_digits(fmt) == digits


def test_csv_is_named_and_holds_the_numbers_shown():
    grid = find(card(as_of="2022-09-30"), components.grid_id("t-chart"))
    meta = meta_of(card(as_of="2022-09-30"))
    utf8 = components.twin_file("utf-8-sig", grid.rowData, grid.columnDefs, meta)
    cp932 = components.twin_file("cp932", grid.rowData, grid.columnDefs, meta)
    assert utf8["filename"] == "my_number_card_issuance_rate_2022-09-30.csv"
    assert cp932["filename"] == "my_number_card_issuance_rate_2022-09-30_cp932.csv"
    table = list(csv.DictReader(io.StringIO(decode(utf8).decode("utf-8-sig"))))
    assert decode(utf8)[:3] == b"\xef\xbb\xbf"
    assert table[0]["団体コード"] == "01100" and table[0]["名称"].startswith("'=")  # neutralised
    assert [r["交付率（％）"] for r in table] == ["12.35", "50.26"] and table[0]["交付枚数"] == "1235"
    assert "大阪市" in decode(cp932).decode("cp932")


def test_a_twin_without_meta_still_downloads():
    grid = find(card(), components.grid_id("t-chart"))
    assert components.twin_file("utf-8-sig", grid.rowData, grid.columnDefs, {}, "mn-map")["filename"] == \
        "mn_map.csv"


# --- Excel ------------------------------------------------------------------------------------------------------------


def test_xlsx_codes_text_numbers_numbers_and_a_source_sheet():
    grid = find(card(as_of="2022-09-30"), components.grid_id("t-chart"))
    meta = meta_of(card(as_of="2022-09-30"))
    sent = components.twin_file("xlsx", grid.rowData, grid.columnDefs, meta)
    assert sent["filename"] == "my_number_card_issuance_rate_2022-09-30.xlsx"
    book = load_workbook(io.BytesIO(decode(sent)))
    data = book.worksheets[0]
    assert [c.value for c in data[1]] == ["団体コード", "名称", "交付率（％）", "割合", "交付枚数", "人口"]
    code = data["A2"]
    assert code.value == "01100" and code.data_type == "s" and code.number_format == "@"  # a code stays text
    assert data["B2"].value == "=HYPERLINK(\"x\")" and data["B2"].data_type == "s"  # text, never a formula
    assert data["B2"].quotePrefix and data["B2"].number_format == "@"  # editing it in Excel keeps it text
    assert [c.value for c in data[2]][2:] == [12.35, 0.123, 1235, 1960668]  # numbers, as shown
    assert all(data.cell(2, i).data_type == "n" for i in range(3, 7))
    assert data.freeze_panes == "A2" and data["A1"].font.b  # the header row stays in view, bold
    assert book.sheetnames[1] == SOURCE_SHEET == "出典・Source"
    widths = book[SOURCE_SHEET].column_dimensions
    assert (int(widths["A"].width), int(widths["B"].width)) == (34, 90)  # labels, then values wide enough to read
    about = {row[0].value: row[1].value for row in book[SOURCE_SHEET].iter_rows()}
    assert about["タイトル / Title"] == "マイナンバーカード交付率"
    assert about["タイトル（英語） / Title (English)"] == "My Number card issuance rate"
    assert about["出典 / Source"] == "総務省" and about["データ時点 / Data as of"] == "2022-09-30"
    assert about["ダウンロード日 / Downloaded"] == dt.date.today().isoformat()


def test_source_sheet_rows_with_and_without_a_build():
    meta = {"title_ja": "題", "title_en": "Title", "source_ja": "=cmd", "source_en": "", "as_of": None}
    rows = dict(components.source_rows(meta, built="2026-11-29", today=dt.date(2026, 12, 1)))
    assert rows["データ構築日 / Database built"] == "2026-11-29" and rows["ダウンロード日 / Downloaded"] == "2026-12-01"
    assert "データ時点 / Data as of" not in rows and "出典（英語） / Source (English)" not in rows
    from smartcity.export import to_xlsx_bytes
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes(pd.DataFrame({"a": [1]}), about=list(rows.items()))))[SOURCE_SHEET]
    assert sheet["B3"].value == "=cmd" and sheet["B3"].data_type == "s"  # text on the source sheet too
    assert sheet["B3"].quotePrefix


def test_build_date_comes_from_the_database(dash_app, db):
    import duckdb
    with duckdb.connect(str(db), read_only=True) as con:
        built = con.execute("SELECT built_at FROM build_info").fetchone()[0]
    with dash_app.server.test_request_context("/"):
        rows = dict(components.source_rows({"title_ja": "題"}))
    assert rows["データ構築日 / Database built"] == iso_day(built)


def test_page_twins_round_their_numbers(dash_app):
    """The indicator page's twin shows ",.4~f": its rows hold at most four decimals (what the CSV gets)."""
    with dash_app.server.test_request_context("/kpi/mynumber_card_issuance_rate"):
        page = layout_of("kpi", indicator_id="mynumber_card_issuance_rate")
    grid = find(page, components.grid_id("kpi-ts"))
    values = [r["value"] for r in grid.rowData if r["value"] is not None]
    assert values and all(round(v, 4) == v for v in values)
    assert any(round(v, 2) != v for v in values)  # real decimals, not integers: the check can fail
