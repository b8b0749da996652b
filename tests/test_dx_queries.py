"""The municipal DX release (デジタル庁「自治体DX推進状況ダッシュボード」): shared queries on the tiny fixture database,
pure figure builders on hand-made frames, and the Municipal DX pages' new parts (map measures, area switch, matrix,
distribution, the municipality's DX profile) on the fixture database."""
from __future__ import annotations

import pandas as pd
import pytest

from helpers import find, layout_of, page_text
from smartcity.figures import dx as fdx
from smartcity.queries import dx
from smartcity.queries.dx import Measure

PROC = Measure("proc:library_reservation", "procedure", "library_reservation", "percent", "よく使う32手続",
               "32 most-used", "図書館の図書貸出予約等", "Library book reservations, etc.", "most_used_32")
BOOL = Measure("dx:ai_adopted", "indicator", "ai_adopted", "boolean", "自治体業務のDX", "Operations", "AIの導入状況",
               "AI in use")
HOLD = Measure("dx:mynumber_card_holding_rate", "indicator", "mynumber_card_holding_rate", "percent", "住民サービスのDX",
               "Services", "マイナンバーカードの保有状況", "My Number Card holding rate")


# --- queries on the fixture database ---------------------------------------------------------------------------------


def test_lists_and_release(fixture_db):
    assert str(dx.release_date(fixture_db).date()) == "2024-07-12"
    assert len(dx.indicators(fixture_db)) == 15 and len(dx.procedures(fixture_db)) == 52
    m = dx.measures(fixture_db)
    assert len(m) == 67 and m["measure"].str.match(r"(dx|proc):").all()
    assert set(dx.procedures(fixture_db)["group_key"]) == {"most_used_32", "childcare_elderly_26"}


def test_osaka_city_values(fixture_db):
    ind = dx.municipality_indicators(fixture_db, "27100").set_index("indicator_key")
    assert len(ind) == 15
    assert ind.loc["mynumber_card_holding_rate", "value_pct"] == 72
    assert ind.loc["childcare_elderly_26_online_share", "value_pct"] == 42
    row = ind.loc["most_used_32_online_share"]
    assert (row.value_pct, row.numerator, row.denominator) == (68, 17, 25)
    assert bool(ind.loc["cio_appointed", "value_bool"]) and not bool(ind.loc["external_experts", "value_bool"])
    procs = dx.municipality_procedures(fixture_db, "27100")
    assert len(procs) == 52 and procs.iloc[0].procedure_key == "library_reservation"
    # not handled stays NULL, never 0
    assert (procs["rate_pct"].isna() == ~procs["reported"]).all()


def test_missing_answers_keep_their_reason(fixture_db):
    wajima = dx.municipality_indicators(fixture_db, "17204").set_index("indicator_key")
    assert (wajima.loc["cio_appointed", "not_reported_reason"], bool(wajima.loc["cio_appointed", "reported"])) == \
        ("not_surveyed", False)
    kusatsu = dx.municipality_indicators(fixture_db, "10426").set_index("indicator_key")
    assert kusatsu.loc["most_used_32_online_share", "not_reported_reason"] == "percent_sign_only"
    assert pd.isna(kusatsu.loc["most_used_32_online_share", "value_pct"])


def test_area_values_and_whitelist(fixture_db):
    osaka = dx.area_values(fixture_db, "dx:most_used_32_online_share", "osaka")
    assert len(osaka) == 43 and osaka.set_index("geo_code").loc["27100", "value"] == 68
    japan = dx.area_values(fixture_db, "proc:library_reservation", "japan")
    assert len(japan) == 54
    not_handled = japan[~japan["reported"]]
    assert len(not_handled) > 0 and not_handled["value"].isna().all()
    assert (not_handled["not_reported_reason"] == "not_handled").all()
    assert len(dx.area_values(fixture_db, "dx:ai_adopted", "tokyo")) == 4
    for bad in ("dx:nope", "proc:ai_adopted", "dx:ai_adopted'; DROP TABLE x; --", "ai_adopted", "", None):
        assert dx.measure_info(fixture_db, bad) is None
        with pytest.raises(dx.UnknownMeasure):
            dx.area_values(fixture_db, bad, "osaka")
    with pytest.raises(dx.UnknownMeasure):
        dx.area_values(fixture_db, "dx:ai_adopted", "mars")


def test_distribution_medians(fixture_db):
    d = dx.distributions(fixture_db).set_index(["area", "measure"])
    share = d.loc[("osaka", "dx:most_used_32_online_share")]
    assert (share.n, share.n_reported, share["median"]) == (43, 43, 43.0)
    assert 0 <= share["min"] <= share.q1 <= share["median"] <= share.q3 <= share["max"] <= 100
    japan = d.loc[("japan", "dx:most_used_32_online_share")]
    assert (japan.n, japan.n_reported, japan["median"]) == (54, 53, 42.0)  # 草津町's bare '%' is not a value
    assert d.loc[("tokyo", "dx:ai_adopted")].n == 4
    ai = d.loc[("osaka", "dx:ai_adopted")]
    assert (ai.n_true, ai.n_false) == (31, 12) and pd.isna(ai["median"])
    lib = d.loc[("osaka", "proc:library_reservation")]
    assert (lib.n, lib.n_reported, lib["median"]) == (43, 40, 70.75)
    wajima = d.loc[("japan", "dx:cio_appointed")]
    assert wajima.n_not_surveyed == 1
    peers = dx.distribution(fixture_db, "peers", "27100")
    assert (peers["n"] >= 1).all() and set(peers["area"]) == {"peers"}
    with pytest.raises(dx.UnknownMeasure):
        dx.distribution(fixture_db, "peers", "x")


def test_matrix(fixture_db):
    long = dx.matrix(fixture_db)
    assert long["geo_code"].nunique() == 43 and long["indicator_key"].nunique() == 13
    frame, cols = fdx.matrix_table(long, "ja")
    osaka = frame.set_index("geo_code").loc["27100"]
    assert osaka["cio_appointed"] == "○ 実施" and osaka["external_experts"] == "× 未実施"
    assert osaka["mynumber_card_holding_rate"] == 72 and osaka["done"] == 9
    assert [c[0] for c in cols][:3] == ["geo_code", "name", "done"] and len(cols) == 16


# --- figure builders --------------------------------------------------------------------------------------------------


def area_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "geo_code": ["27100", "27140", "27383"], "name_ja": ["大阪市", "堺市", "千早赤阪村"],
        "name_en": ["Osaka City", "Sakai City", None], "pref_name_ja": ["大阪府"] * 3, "pref_name_en": ["Osaka"] * 3,
        "value_bool": [None] * 3, "value_pct": [55.0, 0.0, None], "value": [55.0, 0.0, None],
        "value_count": [None] * 3, "numerator": [None] * 3, "denominator": [None] * 3,
        "reported": [True, True, False], "not_reported_reason": [None, None, "not_handled"],
    })


def test_not_handled_is_its_own_class_not_zero():
    frame = fdx.map_values(area_frame(), PROC, pd.Timestamp("2024-07-12"), "ja")
    z = frame.set_index("geo_code")["z"]
    assert z["27383"] == 0 and z["27140"] == 1 and z["27100"] == 4  # grey class, '0 %' class, 50–75 %
    assert z["27383"] != z["27140"]
    assert pd.isna(frame.set_index("geo_code").loc["27383", "value"])  # never 0 in the table
    assert frame.set_index("geo_code").loc["27383", "shown"] == "取扱いなし・報告なし"
    assert "取扱いなし・報告なし" in frame.set_index("geo_code").loc["27383", "label"]
    labels = [label for label, _ in fdx.classes(PROC, "ja")]
    assert labels[0] == "取扱いなし・報告なし" and labels[1] == "0 %"
    key = fdx.scale(PROC)  # categorical: a legend entry per class, not handled in grey
    assert key.categorical and key.missing_en.startswith("not handled") and key.missing_ja == "取扱いなし・報告なし"
    assert [c.ja for c in key.categories][:2] == ["0 %", "0 %超〜25 %未満"]
    assert "2024年7月12日更新" in frame["basis"][0]


def test_boolean_classes_are_two_categories_and_not_surveyed():
    frame = pd.DataFrame({"geo_code": ["1", "2", "3"], "name_ja": ["a", "b", "c"], "name_en": [None] * 3,
                          "pref_name_ja": ["x"] * 3, "pref_name_en": ["x"] * 3, "value_bool": [True, False, None],
                          "value_pct": [None] * 3, "value": [None] * 3, "value_count": [None] * 3,
                          "numerator": [None] * 3, "denominator": [None] * 3, "reported": [True, True, False],
                          "not_reported_reason": [None, None, "not_surveyed"]})
    out = fdx.map_values(frame, BOOL, pd.Timestamp("2024-07-12"), "ja")
    assert out["z"].tolist() == [2, 1, 0]
    assert out["shown"].tolist() == ["○ 実施", "× 未実施", "調査無し"]
    cls = fdx.classes(BOOL, "ja")
    assert [c[0] for c in cls] == ["調査無し", "× 未実施", "○ 実施"] and len({c[1] for c in cls}) == 3


def stats_frame() -> pd.DataFrame:
    rows = []
    for area, n, rep, med in (("osaka", 43, 40, 70.75), ("tokyo", 62, 52, 86.05), ("japan", 1741, 1122, 57.65)):
        rows.append({"area": area, "measure": PROC.measure, "n": n, "n_reported": rep, "n_true": 0, "n_false": 0,
                     "n_not_surveyed": 0, "min": 0.0, "q1": med - 10, "median": med, "q3": med + 5, "max": 100.0})
        rows.append({"area": area, "measure": BOOL.measure, "n": n, "n_reported": n, "n_true": n // 2,
                     "n_false": n - n // 2, "n_not_surveyed": 0, "min": None, "q1": None, "median": None,
                     "q3": None, "max": None})
    return pd.DataFrame(rows)


def test_distribution_figure_labels_medians_within_bounds():
    fig = fdx.distribution_figure(stats_frame(), PROC, "ja")
    assert [t.type for t in fig.data] == ["box"] * 3
    assert tuple(fig.layout.xaxis.range) == (0, 100)
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "中央値 70.8 %" in texts and "報告 40/43" in texts and "中央値 57.6 %" in texts
    bars = fdx.distribution_figure(stats_frame(), BOOL, "en")
    assert all(t.type == "bar" for t in bars.data) and tuple(bars.layout.xaxis.range) == (0, 100)
    assert all(0 <= x <= 100 for t in bars.data for x in t.x)
    table = fdx.distribution_table(stats_frame(), PROC, "en")
    assert table["area"].tolist() == ["Osaka Prefecture", "Tokyo", "Japan"] and table["median"][0] == 70.75


def test_procedure_comparison_never_draws_not_handled_at_zero():
    procs = pd.DataFrame({
        "procedure_key": ["a", "b"], "measure": ["proc:a", "proc:b"], "group_key": ["most_used_32"] * 2,
        "group_ja": ["32手続"] * 2, "group_en": ["32"] * 2, "name_ja": ["手続A", "手続B"], "name_en": ["A", "B"],
        "sort_order": [1, 2], "rate_pct": [30.0, None], "reported": [True, False]})
    dists = pd.DataFrame({"area": ["osaka", "osaka", "japan", "japan"], "measure": ["proc:a", "proc:b"] * 2,
                          "median": [40.0, 10.0, 50.0, 0.0], "n": [43] * 2 + [1741] * 2,
                          "n_reported": [40, 3, 1000, 20]})
    comp = fdx.procedure_comparison(procs, dists)
    fig = fdx.procedure_comparison_figure(comp, "大阪市", "ja", has_peers=False)
    star = fig.data[0]
    assert star.marker.symbol == "star" and list(star.x) == [30.0, None]
    assert "⊘" in star.y[1] and "⊘" not in star.y[0]
    assert fig.layout.xaxis.range[0] >= -2 and fig.layout.xaxis.range[1] <= 102
    table = fdx.comparison_table(comp, "en")
    assert pd.isna(table["rate"][1]) and table["shown"][1] == "not handled / not reported"


def test_source_line_and_date_note():
    assert fdx.source(pd.Timestamp("2024-07-12"), "ja") == "デジタル庁「自治体DX推進状況ダッシュボード」（2024年7月12日更新）"
    assert "updated 12 July 2024" in fdx.source(pd.Timestamp("2024-07-12"), "en")
    assert "基準日" in fdx.source_note("ja") and "publication" in fdx.source_note("en")


# --- pages on the fixture database -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_app(fixture_db):
    """An app on the fixture database (layouts and callbacks read the database of the request's app)."""
    from app import create_app
    return create_app(fixture_db)


def test_map_with_a_procedure_and_japan(fixture_app):
    with fixture_app.server.test_request_context("/municipalities"):
        page = layout_of("municipalities", measure="proc:library_reservation")
    fig = find(page, "muni-map-graph").figure
    assert len(fig.data[0].z) == 43 and set(fig.data[0].z) <= set(range(6))
    assert any("取扱いなし" in (t.name or "") for t in fig.data)  # its own grey legend entry
    assert find(page, "muni-measure").value == "proc" and find(page, "muni-procedure").value == "library_reservation"
    text = page_text(page)
    assert "2024年7月12日更新" in text and "基準日" in text and "国土数値情報" in text
    assert find(page, "muni-dist-graph").figure.data[0].type == "box"
    assert find(page, "muni-matrix-card") is not None
    with fixture_app.server.test_request_context("/municipalities?area=japan"):
        page = layout_of("municipalities", measure="dx:ai_adopted", area="japan", lang="en")
    fig = find(page, "muni-map-graph").figure
    assert len(fig.data[0].locations) == 54 and find(page, "muni-area").value == "japan"
    assert any("not surveyed" in (t.name or "") for t in fig.data)


@pytest.mark.parametrize("query, expected", [
    ({"measure": "dx:bogus"}, "ありません"), ({"measure": "proc:<script>"}, "ありません"),
    ({"measure": "x" * 500, "lang": "en"}, "There is no measure"), ({"area": "moon", "lang": "en"}, "no area"),
    ({"measure": "ospf", "area": "japan"}, "府内43市町村のみ"),
])
def test_wrong_measure_or_area_gives_a_message(fixture_app, query, expected):
    with fixture_app.server.test_request_context("/municipalities"):
        page = layout_of("municipalities", **query)
    assert page.id == "muni-page" and expected in page_text(find(page, "muni-message"))


def test_callback_switches_area_and_measure(fixture_app):
    from pages.municipalities import change_measure
    with fixture_app.server.test_request_context("/municipalities"):
        out = change_measure("proc", "library_reservation", "japan", "ja", {"area": "osaka", "measure": "mynumber"})
        assert len(out[0].data[0].locations) == 54 and out[4] == "proc:library_reservation"
        patch = change_measure("dx:ai_adopted", "library_reservation", "japan", "ja", out[5])[0]
        ops = {tuple(op["location"]) for op in patch.to_plotly_json()["operations"]}
        assert ("data", 0, "z") in ops and ("data", 0, "colorscale") in ops
        assert not any("geojson" in op for op in ops)
        bad = change_measure("dx:nope", None, "osaka", "ja", {"area": "osaka", "measure": "mynumber"})
        assert bad[4] == "mynumber"


@pytest.mark.parametrize("code, lang", [("27100", "ja"), ("01100", "en"), ("17204", "ja"), ("10426", "ja")])
def test_profile_dx_parts_for_any_municipality(fixture_app, code, lang):
    with fixture_app.server.test_request_context(f"/municipality/{code}"):
        page = layout_of("municipality", code=code, lang=lang)
    text = page_text(page)
    assert find(page, "mp-dx-card") is not None and find(page, "mp-procs-graph") is not None
    assert find(page, "mp-holding-card") is not None and find(page, "mp-series-graph") is not None
    if code == "27100":
        assert "72 %" in page_text(find(page, "mp-holding-value")) and "42 %" in text and "68 %（17/25 手続）" in text
        assert "定義も時点も異なる" in text and "2024年7月12日更新" in text
    if code == "01100":
        assert "Sapporo" in text or "札幌市" in text
        assert "definitions and dates" in text
    if code == "17204":
        assert "調査無し" in page_text(find(page, "mp-dx-list"))
    if code == "10426":
        assert "報告なし（「%」のみ記載）" in page_text(find(page, "mp-dx-list"))
    fig = find(page, "mp-procs-graph").figure
    xs = [x for t in fig.data for x in (t.x or []) if x is not None]
    assert xs and all(0 <= x <= 100 for x in xs)
