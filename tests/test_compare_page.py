"""The comparison page (/compare): queries on the tiny fixture database, the pure cell and chart builders on
hand-made frames, and the layout, code parsing and add/remove callback on an app pointed at the fixture database."""
from __future__ import annotations

import inspect
from types import SimpleNamespace

import dash
import pandas as pd
import pytest

from helpers import find, layout_of, page_text, without_database
from smartcity.figures import compare as fig
from smartcity.queries import compare

RELEASE = "2024-07-12"


# --- queries on the fixture database ---------------------------------------------------------------------------------

def test_releases_and_municipalities(fixture_db):
    assert compare.releases(fixture_db) == [RELEASE]
    munis = compare.municipalities(fixture_db)
    assert len(munis) == 54 and munis["geo_code"].str.len().eq(5).all()
    assert munis.set_index("geo_code").at["01100", "name_ja"] == "札幌市"
    assert compare.source(fixture_db)["publisher_ja"] == "デジタル庁「自治体DX推進状況ダッシュボード」"


def test_osaka_city_indicators(fixture_db):
    ind = compare.indicators(fixture_db, RELEASE, ["27100", "01100"])
    assert len(ind) == 30 and ind["indicator_key"].nunique() == 15
    assert ind["geo_code"].tolist()[:2] == ["27100", "01100"]  # the chosen order, within each indicator
    assert ind["sort_order"].is_monotonic_increasing
    osaka = ind[ind.geo_code == "27100"].set_index("indicator_key")
    assert osaka.at["mynumber_card_holding_rate", "value_pct"] == 72
    assert osaka.at["childcare_elderly_26_online_share", "value_pct"] == 42
    share = osaka.loc["most_used_32_online_share"]
    assert (share.value_pct, share.numerator, share.denominator) == (68, 17, 25)
    assert osaka.at["most_used_32_offered", "value_count"] == 25
    assert osaka.at["most_used_32_online", "value_count"] == 17
    assert bool(osaka.at["cio_appointed", "value_bool"]) is True


def test_reasons_and_unknown_codes(fixture_db):
    ind = compare.indicators(fixture_db, RELEASE, ["17204", "10426", "99999"]).set_index(["geo_code", "indicator_key"])
    assert ind.at[("17204", "cio_appointed"), "not_reported_reason"] == "not_surveyed"
    assert ind.at[("10426", "most_used_32_online_share"), "not_reported_reason"] == "percent_sign_only"
    assert ind.at[("99999", "cio_appointed"), "not_reported_reason"] == "no_row"
    assert compare.indicators(fixture_db, "2000-01-01", ["27100"])["reported"].eq(False).all()


def test_procedures_are_the_52_municipal_ones_grouped(fixture_db):
    procs = compare.procedures(fixture_db, RELEASE, ["27100", "27140"])
    assert len(procs) == 104 and procs["procedure_key"].nunique() == 52
    groups = procs.drop_duplicates("procedure_key")["group_key"].tolist()
    assert groups == sorted(groups, key=lambda g: g != "most_used_32")  # one block per group, 32 first
    assert "car_tax_address_change" not in set(procs["procedure_key"])  # prefectural only
    assert procs["rate_pct"].isna().any() and not procs.loc[procs["rate_pct"].isna(), "reported"].any()


def test_medians_of_percentage_indicators(fixture_db):
    med = compare.medians(fixture_db, RELEASE).set_index("indicator_key")
    assert list(med.index) == list(fig.PERCENT_KEYS)
    assert med.at["mynumber_card_holding_rate", "n_reported"] == 54
    assert med.at["most_used_32_online_share", "n_reported"] == 53  # 草津町's bare % has no figure
    assert med["median_pct"].between(0, 100).all()


# --- pure builders ----------------------------------------------------------------------------------------------------

def ind_row(**kw) -> dict:
    """One indicator row as the query returns it (percent, reported, no value unless given)."""
    base = {"value_type": "percent", "reported": True, "not_reported_reason": None, "value_bool": None,
            "value_pct": None, "value_count": None, "numerator": None, "denominator": None}
    return base | kw


def test_cells_say_the_reason_in_words_never_zero():
    assert fig.indicator_cell(ind_row(value_pct=72.0), "ja") == ("72 %", "value")
    assert fig.indicator_cell(ind_row(value_pct=68.0, numerator=17, denominator=25), "ja") == ("68 %（17/25）", "value")
    assert fig.indicator_cell(ind_row(value_pct=68.0, numerator=17, denominator=25), "en") == ("68 % (17/25)", "value")
    assert fig.indicator_cell(ind_row(value_type="boolean", value_bool=True), "ja") == ("実施", "yes")
    assert fig.indicator_cell(ind_row(value_type="boolean", value_bool=False), "en") == ("No", "no")
    assert fig.indicator_cell(ind_row(value_type="count", value_count=1234), "ja") == ("1,234", "value")
    assert fig.indicator_cell(ind_row(reported=False, not_reported_reason="not_surveyed"), "ja") == ("調査無し",
                                                                                                     "not_surveyed")
    assert fig.indicator_cell(ind_row(reported=False, not_reported_reason="not_surveyed"), "en")[0] == "not surveyed"
    assert fig.indicator_cell(ind_row(reported=False, not_reported_reason="percent_sign_only"), "ja")[0] == "数値なし"
    assert fig.indicator_cell(ind_row(reported=False, not_reported_reason="percent_sign_only"), "en")[0] == "no figure"
    assert fig.indicator_cell(ind_row(reported=False, not_reported_reason="no_row"), "ja")[0] == "データなし"
    assert fig.procedure_cell({"rate_pct": None, "has_row": True}, "ja") == ("取扱いなし・報告なし", "not_handled")
    assert fig.procedure_cell({"rate_pct": float("nan"), "has_row": True}, "en")[0] == "not handled or not reported"
    assert fig.procedure_cell({"rate_pct": 0.0, "has_row": True}, "ja") == ("0 %", "value")  # a real zero stays 0 %
    assert fig.procedure_cell({"rate_pct": 35.25, "has_row": True}, "ja")[0] == "35.2 %"
    for state in fig.STATES:
        assert fig.state_word(state, "ja") != "0 %"
    assert fig.state_icon("yes") and fig.state_icon("not_handled") and fig.state_icon("value") == ""


def test_source_line_from_the_release_date():
    src = {"publisher_ja": "デジタル庁「自治体DX推進状況ダッシュボード」", "publisher_en": "Digital Agency, DX dashboard"}
    ja = fig.source_text(src, "2024-07-12", "ja")
    assert ja.startswith("デジタル庁「自治体DX推進状況ダッシュボード」（2024年7月12日更新）") and "公表日" in ja
    en = fig.source_text(src, "2025-01-05", "en")
    assert "(updated 5 January 2025)" in en and "no survey reference date" in en
    assert fig.source_text({}, "2024-07-12", "ja").startswith("デジタル庁")


def labels_frame() -> pd.DataFrame:
    """Three municipalities, two of them named 伊達市."""
    return pd.DataFrame({"geo_code": ["27100", "01233", "07213"], "name_ja": ["大阪市", "伊達市", "伊達市"],
                         "name_en": ["Osaka City", None, None], "pref_code": ["27", "01", "07"],
                         "pref_name_ja": ["大阪府", "北海道", "福島県"], "pref_name_en": ["Osaka", "Hokkaido", "Fukushima"]})


def test_labels_keep_same_names_apart():
    munis = labels_frame()
    assert fig.municipality_labels(munis, ["27100", "01233"], "ja") == {"27100": "大阪市（大阪府）",
                                                                        "01233": "伊達市（北海道）"}
    assert fig.municipality_labels(munis, ["01233"], "en") == {"01233": "伊達市 (Hokkaido)"}
    assert fig.short_labels(munis, ["27100", "01233"], "en") == {"27100": "Osaka City", "01233": "伊達市"}
    assert fig.short_labels(munis, ["01233", "07213"], "ja") == {"01233": "伊達市（北海道）", "07213": "伊達市（福島県）"}


def chart_inputs(lang: str = "ja") -> pd.DataFrame:
    """The chart frame for 大阪市 and 草津町 (whose 32-procedure share is a bare %)."""
    rows = []
    values = {"27100": (72.0, 42.0, (68.0, 17, 25)), "10426": (73.0, 77.0, (None, None, None))}
    names = {"mynumber_card_holding_rate": ("マイナンバーカードの保有状況", "My Number Card holding rate"),
             "childcare_elderly_26_online_share": ("子育て・介護26手続", "26 procedures"),
             "most_used_32_online_share": ("よく使う32手続", "32 procedures")}
    for pos, (code, (hold, c26, (s32, num, den))) in enumerate(values.items(), start=1):
        for key, value in zip(fig.PERCENT_KEYS, (hold, c26, s32)):
            rows.append(ind_row(indicator_key=key, name_ja=names[key][0], name_en=names[key][1], geo_code=code,
                                position=pos, value_pct=value, numerator=num if key == fig.SHARE_32 else None,
                                denominator=den if key == fig.SHARE_32 else None, reported=value is not None,
                                not_reported_reason=None if value is not None else "percent_sign_only"))
    rows.append(ind_row(indicator_key="cio_appointed", value_type="boolean", value_bool=True, geo_code="27100",
                        name_ja="CIO", name_en="CIO", position=1))
    medians = pd.DataFrame({"indicator_key": list(fig.PERCENT_KEYS), "median_pct": [74.0, 100.0, 30.0],
                            "n_reported": [1741, 1741, 1739]})
    labels = {"27100": "大阪市（大阪府）", "10426": "草津町（群馬県）"}
    return fig.percent_frame(pd.DataFrame(rows), medians, labels, lang, {"27100": "大阪市", "10426": "草津町"})


def test_percent_frame_is_the_chart_data():
    frame = chart_inputs()
    assert len(frame) == 6 and frame["indicator_key"].tolist()[:2] == ["mynumber_card_holding_rate"] * 2
    osaka = frame[(frame.geo_code == "27100") & (frame.indicator_key == fig.SHARE_32)].iloc[0]
    assert (osaka.value_pct, osaka.numerator, osaka.denominator, osaka.shown) == (68, 17, 25, "68 %（17/25）")
    kusatsu = frame[(frame.geo_code == "10426") & (frame.indicator_key == fig.SHARE_32)].iloc[0]
    assert pd.isna(kusatsu.value_pct) and kusatsu.shown == "数値なし"
    assert frame["median_pct"].tolist()[::2] == [74.0, 100.0, 30.0]


def test_chart_bounds_median_and_no_bar_at_zero():
    figure = fig.percent_chart(chart_inputs(), "ja")
    axes = [figure.layout[k] for k in figure.layout if k.startswith("xaxis")]
    assert len(axes) == 3 and all(list(a.range) == [0, 100] for a in axes)
    bars = [t for t in figure.data if t.type == "bar"]
    assert len(bars) == 3 and list(bars[0].y) == ["大阪市", "草津町"] and list(bars[0].x) == [72, 73]
    assert list(bars[2].x) == [68, None]  # 草津町 has no figure: no bar, not 0
    assert list(bars[2].text) == ["68 %（17/25）", ""]
    assert any(a.text == "数値なし" and a.y == "草津町" for a in figure.layout.annotations)
    medians = [t for t in figure.data if t.type == "scatter"]
    assert [t.x[0] for t in medians] == [74, 100, 30] and medians[0].y[0] == "全国中央値"
    assert [t.text[0] for t in medians] == ["74 %", "100 %", "30 %"]
    assert sorted(s.x0 for s in figure.layout.shapes) == [30, 74, 100]
    assert all(s.line.dash == "dash" for s in figure.layout.shapes)
    assert all(0 <= v <= 100 for b in bars for v in b.x if v is not None)
    en = fig.percent_chart(chart_inputs("en"), "en")
    assert en.layout.xaxis3.title.text == "Share (%)" and [t for t in en.data if t.type == "scatter"][0].name == \
        "Japan median"
    assert "Choose municipalities" in fig.percent_chart(chart_inputs().iloc[:0], "en").layout.annotations[0].text


def test_comparison_table_is_the_text_shown():
    ind = pd.DataFrame([ind_row(indicator_key="cio_appointed", value_type="boolean", value_bool=True, geo_code=c,
                                position=i, group_ja="体制", group_en="Set-up", name_ja="CIOの任命", name_en="CIO",
                                sort_order=10, description_ja="説明", description_en="desc")
                        | ({"reported": False, "value_bool": None, "not_reported_reason": "not_surveyed"}
                           if c == "17204" else {})
                        for i, c in enumerate(["27100", "17204"], start=1)])
    procs = pd.DataFrame([{"procedure_key": "eltax_filing", "group_key": "most_used_32", "group_ja": "よく使う32手続",
                           "group_en": "32 most used", "name_ja": "地方税申告手続（eLTAX）", "name_en": "eLTAX",
                           "geo_code": c, "position": i, "rate_pct": r, "has_row": True}
                          for i, (c, r) in enumerate([("27100", 72.5), ("17204", None)], start=1)])
    cells = fig.comparison_cells(ind, procs, "ja")
    assert cells["state"].tolist() == ["yes", "not_surveyed", "value", "not_handled"]
    table = fig.comparison_table(cells, {"27100": "大阪市（大阪府）", "17204": "輪島市（石川県）"}, "ja")
    assert table.columns.tolist() == ["区分", "グループ", "項目", "大阪市（大阪府）", "輪島市（石川県）"]
    assert table.iloc[0].tolist() == ["DX指標", "体制", "CIOの任命", "実施", "調査無し"]
    assert table.iloc[1].tolist()[2:] == ["地方税申告手続（eLTAX）", "72.5 %", "取扱いなし・報告なし"]


# --- the page on an app pointed at the fixture database ---------------------------------------------------------------

@pytest.fixture(scope="module")
def cmp_app(fixture_db):
    """An app on the fixture database (page modules are executed per app, so its callbacks and layouts are its own)."""
    from app import create_app
    return create_app(fixture_db)


def page_module() -> SimpleNamespace:
    """The page module's functions as the app registered them (importing pages.compare again would register its
    callbacks a second time)."""
    return SimpleNamespace(**inspect.unwrap(dash.page_registry["pages.compare"]["layout"]).__globals__)


def test_parse_codes(cmp_app):
    page = page_module()
    known = {"27100", "27140", "13101", "01100", "10426", "17204", "27203"}
    parsed = page.parse_codes("27100, abc,99999,13101,13101,27100", known)
    assert parsed.codes == ["27100", "13101"] and parsed.malformed == ["abc"] and parsed.unknown == ["99999"]
    assert parsed.duplicates == ["13101", "27100"] and not parsed.default
    six = page.parse_codes("27100,27140,13101,01100,10426,17204,27203", known)
    assert six.codes == ["27100", "27140", "13101", "01100", "10426"] and six.dropped == ["17204", "27203"]
    assert page.parse_codes(None, known).codes == ["27100", "27140"] and page.parse_codes(None, known).default
    assert page.parse_codes("", known).codes == [] and not page.parse_codes("", known).default
    assert page.parse_codes(["27100", "13101,01100"], known).codes == ["27100", "13101", "01100"]
    assert page.parse_codes("<script>alert(1)</script>" * 10, known).malformed == ["<script>aler"]
    assert page.parse_codes("271000,2710", known).malformed == ["271000", "2710"]
    assert page.valid_release("2024-07-12", [RELEASE]) == RELEASE
    assert page.valid_release("2099-01-01", [RELEASE]) == RELEASE and page.valid_release(None, []) is None


def test_change_codes(cmp_app):
    page = page_module()
    assert page.change_codes(["27100"], "add", "13101") == (["27100", "13101"], None)
    assert page.change_codes(["27100"], "add", "27100") == (["27100"], "already")
    assert page.change_codes(["27100"], "add", None) == (["27100"], "choose")
    full = ["27100", "27140", "13101", "01100", "10426"]
    assert page.change_codes(full, "add", "17204") == (full, "full")
    assert page.change_codes(full, "remove", "13101")[0] == ["27100", "27140", "01100", "10426"]
    assert page.change_codes(["x", "27100"], "remove", "nothing") == (["27100"], None)


def test_layout_for_osaka_and_neighbours(cmp_app):
    with cmp_app.server.test_request_context("/compare?codes=27100,27140,13101"):
        page = layout_of("compare", codes="27100,27140,13101")
    assert page.id == "cmp-page" and find(page, "cmp-codes").data == ["27100", "27140", "13101"]
    assert page_text(find(page, "cmp-message")).strip() == ""
    table = find(page, "cmp-table")
    head = page_text(table.children[1])
    assert "大阪市" in head and "堺市" in head and "千代田区" in head
    holding = page_text(find(page, "cmp-row-mynumber_card_holding_rate"))
    assert "72 %" in holding
    assert "68 %（17/25）" in page_text(find(page, "cmp-row-most_used_32_online_share"))
    assert "42 %" in page_text(find(page, "cmp-row-childcare_elderly_26_online_share"))
    body_rows = [r for r in table.children[2].children if str(getattr(r, "id", "")).startswith("cmp-row-")]
    assert len(body_rows) == 15 + 52
    text = page_text(page)
    assert "取扱いなし・報告なし" in text
    assert "デジタル庁「自治体DX推進状況ダッシュボード」（2024年7月12日更新）" in text and "公表日" in text
    grid = find(page, {"type": "twin-grid", "chart": "cmp-chart"})
    assert len(grid.rowData) == 9
    osaka = [r for r in grid.rowData if r["geo_code"] == "27100" and r["numerator"] is not None][0]
    assert (osaka["value_pct"], osaka["numerator"], osaka["denominator"]) == (68, 17, 25)
    assert find(page, "cmp-chart-source") is not None and find(page, "cmp-chart-note") is not None
    assert find(page, "cmp-pref").value == "27" and find(page, "cmp-muni").options


def test_layout_default_tells_how_to_add_more(cmp_app):
    with cmp_app.server.test_request_context("/compare"):
        page = layout_of("compare")
    assert find(page, "cmp-codes").data == ["27100", "27140"]
    assert "追加" in page_text(find(page, "cmp-default-hint")) and "最大5団体" in page_text(find(page, "cmp-message"))


def test_layout_with_bad_codes_and_too_many_shows_messages(cmp_app):
    codes = "27100,abc,99999,13101,01100,10426,17204,27140"
    with cmp_app.server.test_request_context(f"/compare?codes={codes}&lang=en&release=1999-01-01"):
        page = layout_of("compare", codes=codes, lang="en", release="1999-01-01")
    message = page_text(find(page, "cmp-message"))
    assert "Ignored (not a 5-digit code): abc" in message and "99999" in message
    assert "first 5" in message and "27140" in message and "no release dated 1999-01-01" in message
    assert find(page, "cmp-codes").data == ["27100", "13101", "01100", "10426", "17204"]
    text = page_text(find(page, "cmp-table"))
    assert "not surveyed" in text and "no figure" in text and "Yes" in text
    assert "updated 12 July 2024" in page_text(page)


def test_layout_with_only_bad_codes_never_fails(cmp_app):
    with cmp_app.server.test_request_context("/compare?codes=%3Cb%3E"):
        page = layout_of("compare", codes="<b>,'; DROP TABLE municipality;--")
    assert find(page, "cmp-codes").data == [] and "5桁の数字ではない" in page_text(find(page, "cmp-message"))
    assert find(page, "cmp-table-missing") is not None


def test_callback_adds_and_removes(cmp_app):
    page = page_module()
    with cmp_app.server.test_request_context("/compare"):
        out = page.apply_change("cmp-add", "13101", ["27100", "27140"], RELEASE, "ja")
        assert out[0] == ["27100", "27140", "13101"] and page_text(out[2][0]) == "千代田区（東京都）を追加しました。"
        assert "千代田区" in page_text(out[1]) and "千代田区" in page_text(out[3])
        assert len(out[5]) == 9 and len([t for t in out[4].data if t.type == "bar"]) == 3
        out = page.apply_change({"type": "cmp-remove", "code": "27140"}, None, out[0], RELEASE, "en")
        assert out[0] == ["27100", "13101"] and {r["geo_code"] for r in out[5]} == {"27100", "13101"}
        assert page_text(out[2][0]) == "Removed Sakai City (Osaka)."
        again = page.apply_change("cmp-add", "27100", out[0], RELEASE, "ja")
        assert again[0] == ["27100", "13101"] and "すでに" in page_text(again[2][0])
        full = page.apply_change("cmp-add", "17204", ["27100", "27140", "13101", "01100", "10426"], RELEASE, "en")
        assert len(full[0]) == 5 and "At most 5" in page_text(full[2][0])
        bad = page.apply_change("cmp-add", "99999", ["27100", "zzz"], "nonsense", "xx")
        assert bad[0] == ["27100"] and "選んでください" in page_text(bad[2][0])
        options, value = page.update_municipalities("13", ["13101"], "en")
        assert [o["value"] for o in options] == ["13101", "13206", "13381", "13401"] and value == "13206"
        assert page.update_municipalities("<x>", [], "ja") == ([], None)


def test_table_download_has_bom_and_cp932(cmp_app):
    import base64
    page = page_module()
    with cmp_app.server.test_request_context("/compare"):
        utf8 = page.table_csv(["27100", "17204"], RELEASE, "ja", "utf-8-sig")
        cp932 = page.table_csv(["27100"], RELEASE, "en", "cp932")
    data = base64.b64decode(utf8["content"])
    assert data.startswith(b"\xef\xbb\xbf") and utf8["filename"].endswith("_utf8.csv")
    text = data.decode("utf-8-sig")
    assert "大阪市（大阪府）" in text and "調査無し" in text and "68 %（17/25）" in text and text.count("\r\n") == 68
    assert "Osaka City (Osaka)" in base64.b64decode(cp932["content"]).decode("cp932")


def test_no_database(cmp_app, tmp_path):
    with without_database(cmp_app, tmp_path), cmp_app.server.test_request_context("/compare"):
        page = layout_of("compare")
    assert page.id == "cmp-page" and "etl build" in page_text(page)


# --- browser ----------------------------------------------------------------------------------------------------------

@pytest.mark.browser
def test_add_and_remove_write_the_address(chrome, server_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    from helpers import network, wait_rendered

    def headers(d) -> int:
        return len(d.find_elements(By.CSS_SELECTOR, "#cmp-table thead th"))

    chrome.get(server_url + "/compare")
    wait_rendered(chrome, "cmp-page")
    Select(chrome.find_element(By.ID, "cmp-pref")).select_by_value("13")
    WebDriverWait(chrome, 20).until(lambda d: d.execute_script(
        "return Array.from(document.querySelectorAll('#cmp-muni option')).some(o => o.value === '13101')"))
    Select(chrome.find_element(By.ID, "cmp-muni")).select_by_value("13101")
    chrome.find_element(By.ID, "cmp-add").click()
    WebDriverWait(chrome, 20).until(lambda d: "codes=27100%2C27140%2C13101" in d.current_url)
    WebDriverWait(chrome, 20).until(lambda d: headers(d) == 4)
    chrome.find_element(By.CSS_SELECTOR, "button[aria-label*='堺市']").click()
    WebDriverWait(chrome, 20).until(lambda d: "codes=27100%2C13101" in d.current_url and headers(d) == 3)
    WebDriverWait(chrome, 20).until(lambda d: d.execute_script(
        "return document.querySelector('#cmp-chart-graph .js-plotly-plot').data[0].y.length") == 2)
    chrome.refresh()
    wait_rendered(chrome, "cmp-page")
    assert headers(chrome) == 3 and "千代田区" in chrome.find_element(By.ID, "cmp-table").text
    assert network(chrome)[1] == []
    assert [e for e in chrome.get_log("browser") if e["level"] == "SEVERE"] == []
